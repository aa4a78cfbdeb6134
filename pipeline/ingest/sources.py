"""Finding the input files of a corpus folder: what will be read, and what is skipped and why.

Every entry under the corpus folder becomes exactly one :class:`SourceFile`, so the manifest can
account for all of them: files, and what is not read (FIFOs, devices, links leaving the folder,
link loops; see :mod:`pipeline.ingest.walk`). Files are listed in a stable order (sorted
relative POSIX paths) and identified by the SHA-256 of their content: touching a file without
changing it re-reads nothing, editing one byte re-reads that file only.
"""

from __future__ import annotations

import fnmatch
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputError
from ..settings import ReadSettings, Settings
from .walk import Entry, hash_regular, walk


@dataclass(frozen=True)
class SourceFile:
    rel: str                   # path relative to the corpus, POSIX separators, valid UTF-8
    path: str                  # absolute path, used only for reading (never hashed or shown)
    size: int
    format: str                # lower-case extension without the dot ("" when none)
    sha256: str | None         # None for files that are not read
    skip_reason: str | None    # why the file is not read (excluded, unsupported, too large)


def gather(settings: Settings, corpus: Path) -> dict[str, Any]:
    """Stage input for ``ingest``: the corpus folder's files as plain dicts."""
    return {"files": [asdict(f) for f in scan_corpus(corpus, settings.ingest.read)]}


def fingerprint(inputs: dict[str, Any]) -> list[Any]:
    return [(f["rel"], f["sha256"], f["size"], f["skip_reason"]) for f in inputs["files"]]


def scan_corpus(corpus: Path, settings: ReadSettings) -> list[SourceFile]:
    """One :class:`SourceFile` per entry; nothing but a regular file inside the corpus (or a
    link allowed by ``follow_links``) is ever opened, so ``status`` cannot hang either."""
    entries = walk(str(corpus.resolve()), settings.follow_links)
    return [_describe(entry, settings) for entry in entries]


def _describe(entry: Entry, settings: ReadSettings) -> SourceFile:
    rel, path, size = entry.rel, entry.path, entry.size
    fmt = _format(rel)
    if entry.problem is not None:
        return SourceFile(rel, path, size, fmt, None, entry.problem)
    pattern = _excluded_by(rel, settings.exclude)
    if pattern is not None:
        reason = f"excluded by ingest.read.exclude pattern {pattern!r}"
    elif fmt not in settings.formats:
        shown = f"'.{fmt}'" if fmt else "(no extension)"
        reason = (f"unsupported format {shown}; readable formats: "
                  f"{', '.join(settings.formats)} (see ingest.read.formats)")
    elif size > settings.max_file_mb * 1024 * 1024:
        reason = (f"file is {size / 1024 / 1024:.1f} MB, over ingest.read.max_file_mb "
                  f"({settings.max_file_mb:g} MB); split it or raise the limit")
    else:
        reason = None
    if reason is not None:
        return SourceFile(rel, path, size, fmt, None, reason)
    try:
        digest = hash_regular(path, size)
    except InputError as exc:
        return SourceFile(rel, path, size, fmt, None, exc.message)
    except OSError as exc:
        return SourceFile(rel, path, size, fmt, None, f"cannot read file: {exc.strerror}")
    return SourceFile(rel, path, size, fmt, digest, None)


def _format(rel: str) -> str:
    return PurePosixPath(rel).suffix.lower().lstrip(".")


def _excluded_by(rel: str, patterns: list[str]) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    for pattern in patterns:
        if fnmatch.fnmatchcase(rel, pattern) or ("/" not in pattern
                                                  and fnmatch.fnmatchcase(name, pattern)):
            return pattern
    return None
