"""Stable, filename-safe document ids.

An id comes from the record's own id field when it has one, else from the file name (plus the
record number for files holding several records). It is ASCII, lower case, at most 80
characters of ``[a-z0-9-]``, so it can never name a path outside the outputs folder. When two
documents would get the same id, each gets a suffix derived from its source path: the result
does not depend on which other files are in the corpus or on their order.
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
    ids = []
    for (rel, record, _), base in zip(entries, bases, strict=True):
        if counts[base] > 1:
            digest = hashlib.sha1(f"{rel}#{record}".encode()).hexdigest()[:6]
            base = f"{base[:MAX_LENGTH - 7]}-{digest}"
        ids.append(base)
    return ids
