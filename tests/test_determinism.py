"""Determinism: two runs of the real command line, in two processes (so with different hash
seeds) and into two fresh outputs folders, write byte-identical corpus and manifest files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import BUNDLED_CORPUS, DEFAULT_CONFIG, REPO

RODEDRADEN = Path(sys.executable).parent / "rodedraden"


def test_two_runs_write_identical_corpus_and_manifest(tmp_path):
    assert RODEDRADEN.exists(), "the rodedraden console script is not installed in this venv"
    outs = [tmp_path / "out-a", tmp_path / "out-b"]
    procs = []
    for seed, out in zip(("1", "2"), outs, strict=True):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        procs.append(subprocess.Popen(
            [str(RODEDRADEN), "ingest", "--corpus", str(BUNDLED_CORPUS), "--out", str(out),
             "--config", str(DEFAULT_CONFIG), "--quiet"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for proc in procs:
        output, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, output
        assert "Traceback" not in output
    for name in ("corpus.jsonl", "manifest.jsonl", "ingest_summary.json", "config.yaml"):
        first, second = (out / "latest" / name for out in outs)
        assert first.read_bytes() == second.read_bytes(), name
    assert (outs[0] / "latest").resolve() != (outs[1] / "latest").resolve()


def test_two_full_runs_write_identical_outputs(tmp_path):
    """Every file of a whole run (tagged documents, themes, tables, workbook, report,
    database) is the same in two processes; only run.json and run.log say when and which
    run it was."""
    from test_themes import write_corpus

    corpus = tmp_path / "corpus"
    write_corpus(corpus, n_per_topic=5)
    outs = [tmp_path / "out-a", tmp_path / "out-b"]
    procs = []
    for seed, out in zip(("3", "4"), outs, strict=True):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        procs.append(subprocess.Popen(
            [str(RODEDRADEN), "run", "--corpus", str(corpus), "--out", str(out), "--quiet",
             "--set", "ingest.min_words=0", "--set", "themes.segment.min_words=5"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for proc in procs:
        output, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, output
    first, second = (out / "latest" for out in outs)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert {"documents.jsonl", "themes.json", "themes.xlsx", "report.html",
            "rodedraden.sqlite"} <= {p.as_posix() for p in files}
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    differing = [p.as_posix() for p in files
                 if (first / p).read_bytes() != (second / p).read_bytes()]
    assert differing == ["run.json", "run.log"]
