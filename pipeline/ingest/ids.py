"""Stable, filename-safe document ids.

An id comes from the record's own id field when it has one, else from the file name (plus the
record number for files holding several records). It is ASCII, lower case, at most 80
characters of ``[a-z0-9-]``, so it can never name a path outside the outputs folder. When two
documents would get the same id, each gets a suffix derived from its own source path, so the
ids do not depend on the order of files, and adding an unrelated file changes no id (adding a
file with the same name does: both then get their suffixes).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

MAX_LENGTH = 80


def slugify(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_LENGTH].rstrip("-") or "doc"


def base_id(rel: str, record: int | None, given_id: str | None) -> str:
    if given_id:
        return slugify(given_id)
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return slugify(stem if record is None else f"{stem}-{record}")


def assign_ids(entries: list[tuple[str, int | None, str | None]]) -> list[str]:
    """Ids for ``(rel, record, given_id)`` entries, unique and deterministic."""
    bases = [base_id(*entry) for entry in entries]
    counts = Counter(bases)
    taken = {base for base in bases if counts[base] == 1}
    ids = []
    for (rel, record, _), base in zip(entries, bases, strict=True):
        if counts[base] == 1:
            ids.append(base)
            continue
        salt = 0
        while True:  # a suffix could equal another document's own id: try the next one
            digest = hashlib.sha1(f"{rel}#{record}#{salt or ''}".encode()).hexdigest()[:6]
            candidate = f"{base[:MAX_LENGTH - 7]}-{digest}"
            if candidate not in taken:
                break
            salt += 1
        taken.add(candidate)
        ids.append(candidate)
    return ids
