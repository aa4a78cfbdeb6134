"""Finding the input files of a corpus folder: what will be read, and what is skipped and why.

Every file under the corpus folder becomes exactly one :class:`SourceFile`, so the manifest can
account for all of them. Files are listed in a stable order (sorted relative POSIX paths) and
identified by the SHA-256 of their content: touching a file without changing it re-reads
nothing, editing one byte re-reads that file only.
"""

from __future__ import annotations

import fnmatch
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..settings import ReadSettings, Settings
from ..storage import sha256_file


@dataclass(frozen=True)
class SourceFile:
    rel: str                   # path relative to the corpus folder, POSIX separators
    path: str                  # absolute path, used only for reading
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
    root = corpus.resolve()
    found = []
    for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix()):
        if path.is_dir():
            continue
        rel = path.relative_to(root).as_posix()
        found.append(_describe(path, rel, settings))
    return found


def _describe(path: Path, rel: str, settings: ReadSettings) -> SourceFile:
    fmt = path.suffix.lower().lstrip(".")
    try:
        size = path.stat().st_size
    except OSError as exc:  # broken symbolic link, permission problem
        return SourceFile(rel, str(path), 0, fmt, None, f"cannot access file: {exc.strerror}")
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
        return SourceFile(rel, str(path), size, fmt, None, reason)
    try:
        digest = sha256_file(path)
    except OSError as exc:
        return SourceFile(rel, str(path), size, fmt, None, f"cannot read file: {exc.strerror}")
    return SourceFile(rel, str(path), size, fmt, digest, None)


def _excluded_by(rel: str, patterns: list[str]) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    for pattern in patterns:
        if fnmatch.fnmatchcase(rel, pattern) or ("/" not in pattern
                                                  and fnmatch.fnmatchcase(name, pattern)):
            return pattern
    return None
