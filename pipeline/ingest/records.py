"""Raw records, with every value read from a file made a canonical JSON value at read time.

Formats hand back values that strict JSON and UTF-8 cannot hold: a lone surrogate (``"\\ud800"``
in a JSON string), NaN and Infinity (JSON extensions, YAML's ``.nan``), YAML dates, sets and
binary values. Left in, they abort the run later, far from the file, when the cache encodes
the record or an output is written. They are converted here, once, and each change is noted in
the record's ``warnings`` so the manifest says what was altered.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

Record = dict[str, Any]
SURROGATE = re.compile("[\ud800-\udfff]")
MAX_DEPTH = 100  # metadata nested deeper than this is no metadata; it would only strain recursion
MAX_WARNINGS = 5  # per record: the first few say what happened, a count says how often


class TooDeep(ValueError):
    """A value nested more than :data:`MAX_DEPTH` levels."""


def make_record(text: Any, title: Any = None, date: Any = None,
                metadata: dict[str, Any] | None = None, record: int | None = None,
                given_id: Any = None, error: str | None = None,
                notes: list[str] | None = None, where: str | None = None) -> Record:
    """A record; ``where`` ("line 3") prefixes an error found while converting its values."""
    notes = list(notes or [])
    try:
        fields = {"title": canonical(clean_scalar(title), notes, "title"),
                  "date": canonical(iso_date(date), notes, "date"),
                  "metadata": canonical(metadata or {}, notes, "metadata"),
                  "text": canonical(text, notes, "text"),
                  "given_id": canonical(clean_id(given_id), notes, "id")}
    except (TooDeep, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, TooDeep) else "value nested too deeply"
        return failed_record(record, (f"{where}: " if where else "") + reason)
    return {"record": record, **fields, "error": scrub(error, notes, "error") if error else None,
            "warnings": summarize(notes)}


def failed_record(record: int | None, error: str) -> Record:
    return {"record": record, "given_id": None, "title": None, "date": None, "metadata": {},
            "text": "", "error": scrub(error, [], "error"), "warnings": []}


def canonical(value: Any, notes: list[str], where: str, depth: int = 0) -> Any:
    """``value`` as plain JSON (str, int, finite float, bool, None, list, dict with str keys).

    Dates become ISO strings, sets sorted lists, NaN and Infinity null, bytes text (or null when
    they are not UTF-8), lone surrogates U+FFFD, anything else its ``str``.
    """
    if depth > MAX_DEPTH:
        raise TooDeep(f"{where.split('.')[0]} nested too deeply (more than {MAX_DEPTH} levels)")
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return scrub(value, notes, where)
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        notes.append(f"{where}: {value} is not a JSON number, written as null")
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return _from_bytes(bytes(value), notes, where)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = scrub(key.isoformat() if isinstance(key, dt.date) else str(key), notes, where)
            out[name] = canonical(item, notes, f"{where}.{name}", depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [canonical(item, notes, where, depth + 1) for item in value]
    if isinstance(value, set | frozenset):
        items = [canonical(item, notes, where, depth + 1) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return scrub(str(value), notes, where)


def scrub(text: str, notes: list[str], where: str) -> str:
    """Lone surrogates (half a UTF-16 pair) replaced by U+FFFD: UTF-8 cannot encode them."""
    if not SURROGATE.search(text):
        return text
    notes.append(f"{where}: lone surrogate(s) replaced by U+FFFD")
    return SURROGATE.sub("\ufffd", text)


def _from_bytes(value: bytes, notes: list[str], where: str) -> str | None:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        notes.append(f"{where}: binary value ({len(value)} bytes) dropped, written as null")
        return None


def summarize(notes: list[str]) -> list[str]:
    unique = list(dict.fromkeys(notes))
    if len(unique) <= MAX_WARNINGS:
        return unique
    return unique[:MAX_WARNINGS] + [f"... and {len(unique) - MAX_WARNINGS} more"]


def clean_scalar(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def clean_id(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def iso_date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_scalar(value)


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
