"""A hostile corpus (tests/hostile.py) through the real command line, in a subprocess with a
time limit and a memory limit: nothing hangs, aborts, loses a record or reads outside the corpus.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zlib
from contextlib import closing
from pathlib import Path

import pytest
from helpers import DEFAULT_CONFIG, read_jsonl
from hostile import LATIN1_SOURCE, MARKER, build_hostile_corpus

TIME_LIMIT_S = 300
MEMORY_LIMIT = 4 << 30  # address space; spaCy, scikit-learn and torch stay well under it
FAST = ["--set", "embed.backend=tfidf-svd", "--set", "themes.unit=document",
        "--set", "themes.reduce.method=none", "--set", "themes.cluster.algorithm=kmeans",
        "--set", "themes.cluster.n_clusters=2", "--set", "themes.metrics.stability_seeds=0"]
MIN_WORDS = ["--set", "ingest.min_words=0"]


def _limit_memory() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass  # no such limit on this platform: the time limit still holds


def rodedraden(*args: object) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pipeline", *map(str, args)]
    preexec = _limit_memory if os.name == "posix" else None
    return subprocess.run(command, capture_output=True, text=True, timeout=TIME_LIMIT_S,
                          preexec_fn=preexec, cwd=Path(__file__).resolve().parents[1])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    h = build_hostile_corpus(root)
    runs = {name: rodedraden("ingest", "--corpus", h.corpus, "--out", root / name, "--config",
                             DEFAULT_CONFIG, *MIN_WORDS) for name in ("out1", "out2")}
    return {"h": h, "root": root, "runs": runs,
            "rows": read_jsonl(root / "out1" / "latest" / "manifest.jsonl")}


def _strict(path: Path) -> None:
    def refuse(name: str) -> None:
        raise ValueError(f"{path}: {name} is not JSON")

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines() if path.suffix == ".jsonl" else [text]
    for line in lines:
        if line.strip():
            json.loads(line, parse_constant=refuse)


def _assert_nothing_from_outside(out: Path) -> None:
    """The marker is in no output file, nor in any value of any SQLite database (the stage
    cache stores zlib-compressed blobs, so each value is also looked at decompressed)."""
    marker = MARKER.encode()
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        assert marker not in path.read_bytes(), path
        if path.suffix == ".sqlite":
            for value in _sqlite_values(path):
                assert marker not in _inflated(value), path


def _sqlite_values(path: Path):
    with closing(sqlite3.connect(path)) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master "
                                                  "WHERE type = 'table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                yield from row


def _inflated(value: object) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if not isinstance(value, bytes):
        return str(value).encode()
    for raw in (value, value[1:]):  # the cache tags bytes values with one leading byte
        try:
            return zlib.decompress(raw)
        except zlib.error:
            continue
    return value


def test_ingest_exits_zero_without_a_traceback(hostile):
    for run in hostile["runs"].values():
        assert run.returncode == 0, run.stderr[-3000:]
        assert "Traceback" not in run.stderr and "unexpected" not in run.stderr


def test_left_out_cases_say_why(hostile):
    # Only cases the file system cannot hold may be left out; on Linux that is none.
    if sys.platform.startswith("linux"):
        assert hostile["h"].left_out == {}
    assert all(hostile["h"].left_out.values())


def test_every_entry_gets_its_status_and_reason(hostile):
    rows = hostile["rows"]
    wrong = []
    for rel, (statuses, fragment) in hostile["h"].expected.items():
        found = [r for r in rows if r["source"] == rel]
        if len(found) != 1 or found[0]["status"] not in statuses \
                or fragment not in (found[0]["reason"] or ""):
            wrong.append((rel, statuses, fragment, found))
    assert not wrong, wrong
    assert all(r["status"] in {"processed", "skipped", "failed"} for r in rows)
    assert all(r["status"] == "processed" or r["reason"] for r in rows)


def test_every_entry_on_disk_is_in_the_manifest(hostile):
    corpus, sources = hostile["h"].corpus, {r["source"] for r in hostile["rows"]}
    for folder, dirs, files in os.walk(os.fsencode(corpus)):  # links are not followed here
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            rel = os.path.relpath(os.path.join(folder, name), os.fsencode(corpus))
            shown = rel.decode("utf-8", "backslashreplace")
            assert shown in sources or shown == "alias", shown  # alias: followed folder link
    assert "alias/echt.md" in sources and LATIN1_SOURCE in sources


def test_every_record_is_in_the_manifest(hostile):
    for rel, count in hostile["h"].records.items():
        numbers = [r["record"] for r in hostile["rows"] if r["source"] == rel]
        assert len(numbers) == count == len(set(numbers)), (rel, numbers)


def test_csv_rows_after_bad_rows_and_a_huge_field_are_read(hostile):
    rows = sorted((r for r in hostile["rows"] if r["source"] == "rijen.csv"),
                  key=lambda r: r["record"])
    assert [r["status"] == "failed" for r in rows] == [False, True, False, True, False]
    assert "malformed CSV" in rows[1]["reason"] and "reading goes on" in rows[3]["reason"]
    assert [rows[i]["id"] for i in (0, 2, 4)] == ["c1", "c3", "c5"]


def test_changed_values_are_noted_and_canonical(hostile):
    rows = {(r["source"], r["record"]): r for r in hostile["rows"]}
    assert "lone surrogate(s) replaced by U+FFFD" in rows[("surrogaat.jsonl", 1)]["warnings"][0]
    assert "not a valid date" in rows[("datum.md", None)]["warnings"][0]
    docs = {d["source"]: d for d in
            read_jsonl(hostile["root"] / "out1" / "latest" / "corpus.jsonl")}
    assert docs["surrogaat.json"]["title"] == "lone \ufffd surrogate"
    assert docs["surrogaat.json"]["metadata"] == {"score": None, "groot": None}
    assert docs["datum.md"]["date"] == "2021-02-30"
    assert docs["yaml-waarden.md"]["metadata"] == {
        "set": ["a", "b"], "nan": None, "inf": None, "bin": None, "tekst": "hallo",
        "moment": "2020-05-01T10:30:00", "2020-01-01": "nieuwjaar", "paar": [["x", 1], ["y", 2]]}


def test_nothing_from_outside_the_corpus_is_read(hostile):
    _assert_nothing_from_outside(hostile["root"] / "out1")


def test_outputs_are_strict_json(hostile):
    run_dir = (hostile["root"] / "out1" / "latest").resolve()
    for path in list(run_dir.rglob("*.json")) + list(run_dir.rglob("*.jsonl")):
        _strict(path)


def test_two_runs_are_byte_identical(hostile):
    for name in ("corpus.jsonl", "manifest.jsonl"):
        first, second = (hostile["root"] / out / "latest" / name for out in ("out1", "out2"))
        assert first.read_bytes() == second.read_bytes(), name


def test_status_lists_the_stages_without_hanging(hostile):
    result = rodedraden("status", "--corpus", hostile["h"].corpus, "--out",
                        hostile["root"] / "out1", "--config", DEFAULT_CONFIG, *MIN_WORDS)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ingest" in result.stdout


def test_the_whole_run_survives_the_hostile_corpus(hostile, tmp_path):
    out = tmp_path / "out"
    result = rodedraden("run", "--corpus", hostile["h"].corpus, "--out", out, "--config",
                        DEFAULT_CONFIG, *MIN_WORDS, *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = (out / "latest").resolve()
    for path in list(run_dir.rglob("*.json")) + list(run_dir.rglob("*.jsonl")):
        _strict(path)
    _assert_nothing_from_outside(out)


def test_follow_links_reads_outside_links_but_never_devices_or_loops(hostile, tmp_path):
    out = tmp_path / "out"
    result = rodedraden("ingest", "--corpus", hostile["h"].corpus, "--out", out, "--config",
                        DEFAULT_CONFIG, *MIN_WORDS, "--set", "ingest.read.follow_links=true")
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {r["source"]: r for r in read_jsonl(out / "latest" / "manifest.jsonl")}
    assert rows["geheim.txt"]["status"] == "processed"
    assert rows["buiten/geheim.md"]["status"] == "processed"
    assert "not a regular file (character device)" in rows["nul.txt"]["reason"]
    assert "symbolic link loop" in rows["lus"]["reason"]
