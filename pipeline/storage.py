"""All file I/O that must survive interruption: atomic writes, hashing, the stage cache.

Writes go to a temporary file in the target folder, are flushed to disk and then renamed over
the target, so a reader sees the old file or the new one, never half of one. The renamed file
gets the mode a plain ``open()`` would give it (``0o666`` less the umask), or keeps the mode of
the file it replaces: an outputs folder shared by a team stays readable by the team. JSON is
strict (no ``NaN``/``Infinity``, which ``JSON.parse`` rejects); see :func:`dumps`. The cache is a
SQLite database: an entry is written in one transaction, so an interrupted run leaves either a
complete entry or none, and concurrent readers are safe.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
import sqlite3
import stat
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

log = logging.getLogger("rodedraden")
T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS stage_outputs (
    stage TEXT NOT NULL, key TEXT NOT NULL, artifact TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (stage, key, artifact));
CREATE TABLE IF NOT EXISTS stage_complete (
    stage TEXT NOT NULL, key TEXT NOT NULL, artifacts INTEGER NOT NULL, created TEXT NOT NULL,
    PRIMARY KEY (stage, key));
CREATE TABLE IF NOT EXISTS items (
    namespace TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (namespace, key));
CREATE TABLE IF NOT EXISTS last_keys (
    stage TEXT PRIMARY KEY, key TEXT NOT NULL, parts TEXT NOT NULL);
"""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def stable_hash(*parts: Any) -> str:
    """Hash of JSON-serialisable parts, independent of dict order."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:24]


# -- atomic writes ---------------------------------------------------------------------------


def current_umask() -> int:
    """The process umask: read from ``/proc/self/status`` where Linux has it (current, and
    nothing is changed); elsewhere read once per process by setting and restoring it (there is
    no read-only call), under a lock so two threads cannot both see the temporary value."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return _umask_by_setting()


_UMASK_LOCK = threading.Lock()
_UMASK: list[int] = []


def _umask_by_setting() -> int:
    with _UMASK_LOCK:
        if not _UMASK:
            _UMASK.append(os.umask(0o022))
            os.umask(_UMASK[0])
        return _UMASK[0]


def new_file_mode() -> int:
    """The mode ``open(path, "w")`` gives a new file: rw for everyone, less the umask."""
    return 0o666 & ~current_umask()


def _mode_for(path: Path) -> int:
    """Keep the mode of the file being replaced (a curator's 0644 curation.yaml stays 0644);
    a new file gets :func:`new_file_mode`. mkstemp's 0600 would hide it from the team."""
    try:
        found = os.stat(path)
    except OSError:
        return new_file_mode()
    # permission bits only: a setuid or sticky bit on a data file is never ours to copy
    return found.st_mode & 0o777 if stat.S_ISREG(found.st_mode) else new_file_mode()


@contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[io.IOBase]:
    """Open a temporary sibling of ``path``; rename it over ``path`` only on success.

    A symlink at ``path`` is written through (its target is replaced, the link stays), so a
    user's linked file is never swapped for a copy.
    """
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    file_mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode)
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding, newline=None if "b" in mode else "\n") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    with atomic_open(path, "w") as fh:
        fh.write(text)


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def write_json(path: Path, data: Any) -> None:
    write_text(path, dumps(data, indent=2, what=path.name) + "\n")


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    with atomic_open(path, "w") as fh:
        for number, row in enumerate(rows, 1):
            fh.write(dumps(row, what=f"{path.name} line {number}") + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_records(path: Path, parse: Callable[[Any], T], what: str, hint: str,
                 code: str | None = None) -> list[T]:
    """``parse`` applied to every non-empty line of a JSONL file a person wrote (gold,
    annotations). A line that is no JSON, or that ``parse`` rejects (KeyError, TypeError,
    ValueError), is a usage error naming the file, the line and what was expected."""
    from .errors import UsageError

    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(parse(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"{path} line {number}: not {what} ({exc})", code=code,
                             hint=hint) from None
    return records


def dumps(data: Any, indent: int | None = None, what: str = "data") -> str:
    """Strict JSON (``allow_nan=False``): what ``JSON.parse``, jq and SQLite's JSON accept.

    A NaN or infinite number is not data but a bug upstream (a metric of an empty theme, a
    division by zero). It is written as ``null``, never as the bare ``NaN`` Python would
    write, and logged as a warning naming ``what`` (the artifact) and the key path, so the
    batch's other results are kept and the bug is visible in run.log. Converting rather than
    failing: one undefined number must not cost a run of hours.
    """
    try:
        return json.dumps(data, ensure_ascii=False, indent=indent, default=_default,
                          allow_nan=False)
    except ValueError as exc:
        if "JSON compliant" not in str(exc):
            raise
    found: list[str] = []
    cleaned = _finite(data, "", found)
    log.warning("%s: %d non-finite number(s) written as null (a bug: please report it): %s",
                what, len(found), ", ".join(found[:5]) + (" ..." if len(found) > 5 else ""))
    return json.dumps(cleaned, ensure_ascii=False, indent=indent, default=_default,
                      allow_nan=False)


def _finite(value: Any, where: str, found: list[str]) -> Any:
    """``value`` with NaN and infinities replaced by None; their paths appended to ``found``."""
    if isinstance(value, float | np.floating) and not math.isfinite(value):
        found.append(where or "(top)")
        return None
    if isinstance(value, Mapping):
        return {key: _finite(item, f"{where}.{key}" if where else str(key), found)
                for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item, f"{where}[{i}]", found) for i, item in enumerate(value)]
    return value


def _default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return value.as_posix()
    raise TypeError(f"cannot serialise {type(value).__name__}")


# -- artifact encoding -----------------------------------------------------------------------


def pack_floats(values: np.ndarray) -> bytes:
    """float32 values as raw little-endian bytes: what the cache keeps for vectors and
    layouts (a fraction of their JSON size, exact)."""
    return np.ascontiguousarray(values, dtype="<f4").tobytes()


def unpack_floats(blob: bytes) -> np.ndarray:
    """The flat float32 array :func:`pack_floats` wrote (reshape it to what it was)."""
    return np.frombuffer(blob, dtype="<f4")


def encode_artifact(name: str, value: Any) -> bytes:
    """``.npy`` artifacts are numpy arrays, bytes stay bytes, everything else is JSON; all
    zlib-compressed. A one-byte tag keeps bytes and JSON strings apart on the way back."""
    if isinstance(value, bytes):
        return b"B" + zlib.compress(value, 3)
    if name.endswith(".npy"):
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(value), allow_pickle=False)
        raw = buffer.getvalue()
    else:
        raw = dumps(value, what=f"cache entry {name}").encode()
    return zlib.compress(raw, 3)


def decode_artifact(name: str, blob: bytes) -> Any:
    if blob[:1] == b"B":
        return zlib.decompress(blob[1:])
    raw = zlib.decompress(blob)
    if name.endswith(".npy"):
        return np.load(io.BytesIO(raw), allow_pickle=False)
    return json.loads(raw)


# -- the cache -------------------------------------------------------------------------------


class Cache:
    """Content-addressed store for stage outputs and per-item results.

    A stage output is trusted only when its ``stage_complete`` row exists; that row is written
    in the same transaction as the artifacts, so a half-written output is never trusted.
    """

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        # SQLite creates a new database 0644 whatever the umask (its -wal and -shm files copy
        # that mode); created here first, it gets the umask's mode like every other file
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            pass
        self.path = path
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    # whole-stage outputs
    def has_stage(self, stage: str, key: str) -> bool:
        row = self._db.execute("SELECT 1 FROM stage_complete WHERE stage=? AND key=?",
                               (stage, key)).fetchone()
        return row is not None

    def load_stage(self, stage: str, key: str) -> dict[str, Any] | None:
        if not self.has_stage(stage, key):
            return None
        rows = self._db.execute(
            "SELECT artifact, value FROM stage_outputs WHERE stage=? AND key=? ORDER BY artifact",
            (stage, key)).fetchall()
        return {name: decode_artifact(name, blob) for name, blob in rows}

    def save_stage(self, stage: str, key: str, outputs: Mapping[str, Any]) -> None:
        encoded = [(stage, key, name, encode_artifact(name, value))
                   for name, value in outputs.items()]
        with self._transaction() as db:
            db.execute("DELETE FROM stage_outputs WHERE stage=? AND key=?", (stage, key))
            db.executemany("INSERT INTO stage_outputs VALUES (?,?,?,?)", encoded)
            db.execute("INSERT OR REPLACE INTO stage_complete VALUES (?,?,?,datetime('now'))",
                       (stage, key, len(encoded)))

    # per-item results
    def get_items(self, namespace: str, keys: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, value FROM items WHERE namespace=? AND key IN ({marks})",
                (namespace, *chunk)).fetchall()
            found.update((key, decode_artifact(namespace, blob)) for key, blob in rows)
        return found

    def put_items(self, namespace: str, values: Mapping[str, Any]) -> None:
        rows = [(namespace, key, encode_artifact(namespace, value))
                for key, value in values.items()]
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO items VALUES (?,?,?)", rows)

    # what the last run used, to explain why a stage would re-run
    def last_parts(self, stage: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT parts FROM last_keys WHERE stage=?", (stage,)).fetchone()
        return json.loads(row[0]) if row else None

    def remember_parts(self, stage: str, key: str, parts: Mapping[str, Any]) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO last_keys VALUES (?,?,?)",
                       (stage, key, dumps(parts)))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
