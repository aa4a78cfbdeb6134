"""All file I/O that must survive interruption: atomic writes, hashing, the stage cache.

Writes go to a temporary file in the target folder, are flushed to disk and then renamed over
the target, so a reader sees the old file or the new one, never half of one. The cache is a
SQLite database: an entry is written in one transaction, so an interrupted run leaves either a
complete entry or none, and concurrent readers are safe.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

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


@contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[io.IOBase]:
    """Open a temporary sibling of ``path``; rename it over ``path`` only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
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
    write_text(path, dumps(data, indent=2) + "\n")


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    with atomic_open(path, "w") as fh:
        for row in rows:
            fh.write(dumps(row) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def dumps(data: Any, indent: int | None = None) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=False, default=_default)


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
        raw = dumps(value).encode()
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
