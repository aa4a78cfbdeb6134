"""File modes and strict JSON: a run's files get the mode the user's umask gives (a team
sharing an outputs folder can read them all), a replaced file keeps its mode, and no writer
puts NaN or Infinity (which JSON.parse rejects) into a JSON file."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from pipeline.storage import (
    Cache,
    atomic_open,
    decode_artifact,
    encode_artifact,
    new_file_mode,
    write_json,
    write_jsonl,
    write_text,
)

RODEDRADEN = Path(sys.executable).parent / "rodedraden"
FAST = ("embed.backend=tfidf-svd", "themes.unit=document", "themes.reduce.method=none",
        "themes.cluster.algorithm=kmeans", "themes.cluster.n_clusters=2",
        "themes.metrics.stability_seeds=0", "ingest.min_words=0")


def fast_options() -> list[str]:
    return [part for key in FAST for part in ("--set", key)]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def modes_under(folder: Path) -> dict[str, str]:
    """``{relative path: octal mode}`` of every file and folder under ``folder``."""
    return {p.relative_to(folder).as_posix() + ("/" if p.is_dir() else ""): oct(mode(p))
            for p in [folder, *folder.rglob("*")]}


def start(args: list[str], umask: int) -> subprocess.Popen:
    return subprocess.Popen([str(RODEDRADEN), *args], cwd=REPO,
                            preexec_fn=lambda: os.umask(umask),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def strict_loads(text: str):
    """json.loads as JSON.parse reads: NaN and Infinity are errors."""
    def refuse(name):
        raise ValueError(f"not JSON: {name}")
    return json.loads(text, parse_constant=refuse)


def test_every_file_of_a_run_has_the_umask_mode_and_curate_apply_keeps_a_files_mode(tmp_path):
    from test_themes import write_corpus

    corpus = tmp_path / "corpus"
    write_corpus(corpus, n_per_topic=4)
    expected = {0o022: (0o644, 0o755), 0o002: (0o664, 0o775)}
    procs = [start(["run", "--corpus", str(corpus), "--out", str(tmp_path / f"out-{umask:o}"),
                     "--quiet", *fast_options()], umask) for umask in expected]
    for proc in procs:
        output, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, output
    for umask, (file_mode, dir_mode) in expected.items():
        out = tmp_path / f"out-{umask:o}"
        run_dir = (out / "latest").resolve()
        found = modes_under(run_dir)
        assert len(found) > 40  # every artifact, documents/, schemas/, tables/
        wrong = {name: m for name, m in found.items()
                 if m != oct(dir_mode if name.endswith("/") else file_mode)}
        assert wrong == {}, f"umask {umask:o}"
        # what lies outside the run folder is the team's too: the cache and its WAL, the lock
        for path in [out, out / "runs", out / "cache", *(out / "cache").iterdir(),
                     out / ".rodedraden.lock"]:
            assert mode(path) == (dir_mode if path.is_dir() else file_mode), path

    # curate apply under umask 002 replaces a curator's 0644 file and leaves it 0644
    curation = tmp_path / "curation.yaml"
    curation.write_text("themes: {}\n", encoding="utf-8")
    curation.chmod(0o644)
    run_dir = (tmp_path / "out-2" / "latest").resolve()
    proc = start(["curate", "apply", str(run_dir / "themes.xlsx"), "--curation", str(curation)],
                 0o002)
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, output
    assert mode(curation) == 0o644
    assert "themes:" in curation.read_text(encoding="utf-8")
    # and every JSON file of the run is strict JSON
    for path in run_dir.rglob("*.json"):
        strict_loads(path.read_text(encoding="utf-8"))


def test_a_new_file_gets_the_umask_mode_not_mkstemps_0600(tmp_path):
    previous = os.umask(0o027)
    try:
        assert new_file_mode() == 0o640
        write_text(tmp_path / "nieuw.txt", "x")
        assert mode(tmp_path / "nieuw.txt") == 0o640
    finally:
        os.umask(previous)


def test_a_replaced_file_keeps_its_mode(tmp_path, umask_022):
    target = tmp_path / "gedeeld.yaml"
    target.write_text("oud\n")
    target.chmod(0o664)
    write_text(target, "nieuw\n")
    assert mode(target) == 0o664 and target.read_text() == "nieuw\n"
    target.chmod(0o600)  # a private file stays private
    with atomic_open(target, "wb") as fh:
        fh.write(b"geheim\n")
    assert mode(target) == 0o600


def test_a_symlinked_file_is_written_through_and_stays_a_link(tmp_path, umask_022):
    real = tmp_path / "elders" / "curation.yaml"
    real.parent.mkdir()
    real.write_text("oud\n")
    real.chmod(0o644)
    link = tmp_path / "curation.yaml"
    link.symlink_to(real)
    write_text(link, "nieuw\n")
    assert link.is_symlink() and real.read_text() == "nieuw\n" and mode(real) == 0o644


def test_a_new_cache_database_gets_the_umask_mode(tmp_path):
    previous = os.umask(0o002)
    try:
        cache = Cache(tmp_path / "cache" / "c.sqlite")
        cache.put_items("n", {"a": 1})
        cache.close()
    finally:
        os.umask(previous)
    assert mode(tmp_path / "cache" / "c.sqlite") == 0o664


def test_nan_and_infinity_are_written_as_null_with_a_warning(tmp_path, caplog):
    data = {"metrics": {"silhouette": float("nan"), "ok": 0.5}, "scores": [1.0, float("inf")]}
    with caplog.at_level(logging.WARNING, logger="rodedraden"):
        write_json(tmp_path / "metrics_themes.json", data)
    written = strict_loads((tmp_path / "metrics_themes.json").read_text(encoding="utf-8"))
    assert written == {"metrics": {"silhouette": None, "ok": 0.5}, "scores": [1.0, None]}
    assert "metrics_themes.json" in caplog.text
    assert "metrics.silhouette" in caplog.text and "scores[1]" in caplog.text

    import numpy as np

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="rodedraden"):
        write_jsonl(tmp_path / "rows.jsonl", [{"w": 1.0}, {"w": np.float32("nan")}])
    lines = (tmp_path / "rows.jsonl").read_text(encoding="utf-8").splitlines()
    assert [strict_loads(line) for line in lines] == [{"w": 1.0}, {"w": None}]
    assert "rows.jsonl line 2" in caplog.text


def test_the_cache_encoder_is_strict_too(caplog):
    with caplog.at_level(logging.WARNING, logger="rodedraden"):
        blob = encode_artifact("themes.json", {"x": float("-inf")})
    assert decode_artifact("themes.json", blob) == {"x": None}
    assert "cache entry themes.json" in caplog.text
