"""Caching: a stage re-runs only when its code, its config sections or its inputs change, and
the ingest stage re-reads only the files whose content changed."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from helpers import DEFAULT_CONFIG, make_settings, md_story, read_jsonl, write

from pipeline import ingest
from pipeline.runner import Runner, Stage


def count_documents(ctx, ingest):
    return {"counts.json": {"documents": len(ingest["corpus.jsonl"]),
                            "seed": ctx.settings.run.seed}}


COUNT = Stage(name="count", func=count_documents, version="1", sections=("run.seed",),
              requires=("ingest",))


def run(corpus: Path, out: Path, *overrides: str, stages=(ingest.STAGE,)):
    result = Runner(list(stages), make_settings(*overrides), corpus, out).run()
    return result, {r.name: r for r in result.reports}


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    for seed, name in ((301, "a"), (302, "b"), (303, "c")):
        write(folder / f"{name}.md", md_story(seed, f"Verhaal {name}"))
    return folder


def test_first_run_reads_everything_second_run_reruns_nothing(corpus, tmp_path):
    out = tmp_path / "out"
    first, reports = run(corpus, out)
    assert reports["ingest"].status == "ran"
    assert reports["ingest"].items["read"] == {"total": 3, "cached": 0, "computed": 3}
    second, reports = run(corpus, out)
    assert reports["ingest"].status == "cached"
    assert reports["ingest"].items == {}
    assert second.outputs["ingest"] == first.outputs["ingest"]
    assert second.run_dir != first.run_dir
    info = json.loads((second.run_dir / "run.json").read_text())
    assert info["status"] == "succeeded" and info["stages"]["ingest"]["status"] == "cached"
    assert (second.run_dir / "manifest.jsonl").read_bytes() == \
        (first.run_dir / "manifest.jsonl").read_bytes()


def test_editing_one_file_rereads_only_that_file(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    path = corpus / "b.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Verhaal b", "Verhaal B (herzien)"),
                    encoding="utf-8")
    result, reports = run(corpus, out)
    assert reports["ingest"].status == "ran"
    assert reports["ingest"].items["read"] == {"total": 3, "cached": 2, "computed": 1}
    titles = {d["source"]: d["title"] for d in result.outputs["ingest"]["corpus.jsonl"]}
    assert titles["b.md"] == "Verhaal B (herzien)"


def test_adding_a_file_reads_only_the_new_file(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    write(corpus / "sub" / "d.md", md_story(304, "Verhaal d"))
    result, reports = run(corpus, out)
    assert reports["ingest"].items["read"] == {"total": 4, "cached": 3, "computed": 1}
    assert len(result.outputs["ingest"]["corpus.jsonl"]) == 4


def test_touching_mtime_only_rereads_nothing(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    stat = (corpus / "a.md").stat()
    os.utime(corpus / "a.md", (stat.st_atime + 3600, stat.st_mtime + 3600))
    _, reports = run(corpus, out)
    assert reports["ingest"].status == "cached"


def test_changing_min_words_reruns_ingest_but_reads_nothing_again(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    result, reports = run(corpus, out, "ingest.min_words=500")
    assert reports["ingest"].status == "ran"
    assert reports["ingest"].items["read"] == {"total": 3, "cached": 3, "computed": 0}
    assert [r["status"] for r in result.outputs["ingest"]["manifest.jsonl"]] == ["skipped"] * 3


def test_changing_a_read_setting_rereads_every_file(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    _, reports = run(corpus, out, "ingest.read.fallback_encodings=[cp1252]")
    assert reports["ingest"].items["read"] == {"total": 3, "cached": 0, "computed": 3}


def test_changing_the_seed_does_not_rerun_ingest(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    _, reports = run(corpus, out, "run.seed=7")
    assert reports["ingest"].status == "cached"


def test_a_new_code_version_reruns_the_stage_and_its_items(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    changed = dataclasses.replace(ingest.STAGE, version=ingest.STAGE.version + "-next")
    _, reports = run(corpus, out, stages=(changed,))
    assert reports["ingest"].status == "ran"
    assert reports["ingest"].items["read"]["computed"] == 3


def test_config_change_reruns_only_the_dependent_stage(corpus, tmp_path):
    out = tmp_path / "out"
    _, reports = run(corpus, out, stages=(ingest.STAGE, COUNT))
    assert (reports["ingest"].status, reports["count"].status) == ("ran", "ran")
    result, reports = run(corpus, out, "run.seed=5", stages=(ingest.STAGE, COUNT))
    assert (reports["ingest"].status, reports["count"].status) == ("cached", "ran")
    assert json.loads((result.run_dir / "counts.json").read_text()) == {"documents": 3,
                                                                         "seed": 5}
    _, reports = run(corpus, out, "run.seed=5", stages=(ingest.STAGE, COUNT))
    assert (reports["ingest"].status, reports["count"].status) == ("cached", "cached")
    # an upstream change reaches the downstream stage through its input key
    _, reports = run(corpus, out, "run.seed=5", "ingest.min_words=500",
                     stages=(ingest.STAGE, COUNT))
    assert (reports["ingest"].status, reports["count"].status) == ("ran", "ran")


def test_run_directory_holds_config_manifest_and_run_info(corpus, tmp_path):
    out = tmp_path / "out"
    result, _ = run(corpus, out, "ingest.min_words=40")
    run_dir = result.run_dir
    assert run_dir.parent == out / "runs" and run_dir.name == result.run_id
    assert (out / "latest").resolve() == run_dir.resolve()
    config = (run_dir / "config.yaml").read_text(encoding="utf-8")
    assert "min_words: 40" in config
    assert len(read_jsonl(run_dir / "manifest.jsonl")) == 3
    assert len(read_jsonl(run_dir / "corpus.jsonl")) == 3
    info = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert info["run_id"] == result.run_id and info["status"] == "succeeded"
    assert info["stages"]["ingest"]["items"]["read"]["computed"] == 3
    assert {"rodedraden", "python", "pydantic"} <= set(info["versions"])
    assert (run_dir / "run.log").is_file()
    second, _ = run(corpus, out)
    assert (out / "latest").resolve() == second.run_dir.resolve()
    assert not [p for p in (out / "runs").iterdir() if p.name.startswith(".partial-")]


def test_cli_run_log_records_the_stages(cli, corpus, tmp_path):
    result = cli("ingest", "--corpus", corpus, "--out", tmp_path / "out", "--config",
                 DEFAULT_CONFIG, "--quiet")
    assert result.exit_code == 0
    log = (tmp_path / "out" / "latest" / "run.log").read_text(encoding="utf-8")
    assert "stages ingest" in log and "ingest: running (never run" in log


def test_in_process_run_log_records_the_stages(corpus, tmp_path):
    import logging

    logger = logging.getLogger("rodedraden")
    saved = logger.level
    logger.setLevel(logging.NOTSET)  # as in a fresh interpreter that never ran the CLI
    try:
        result, _ = run(corpus, tmp_path / "out")
    finally:
        logger.setLevel(saved)
    assert "stages ingest" in (result.run_dir / "run.log").read_text(encoding="utf-8")


# -- rodedraden status -----------------------------------------------------------------------


def ingest_status_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.startswith("ingest ")]
    assert len(lines) == 1, result.output
    return " ".join(lines[0].split())


def test_status_says_cached_or_would_run_with_the_reason(cli, corpus, tmp_path):
    base = ("--corpus", corpus, "--out", tmp_path / "out", "--config", DEFAULT_CONFIG)
    before = cli("status", *base)
    assert before.exit_code == 0
    assert ingest_status_line(before) == "ingest would run never run with this outputs folder"
    assert not (tmp_path / "out" / "runs").exists()  # status runs nothing

    assert cli("ingest", *base, "--quiet").exit_code == 0
    assert ingest_status_line(cli("status", *base)) == "ingest cached up to date"

    changed = cli("status", *base, "--set", "ingest.min_words=50")
    assert ingest_status_line(changed) == "ingest would run config changed: ingest"
    assert ingest_status_line(cli("status", *base, "--set", "run.seed=9")) == \
        "ingest cached up to date"

    write(corpus / "a.md", md_story(399, "Verhaal a, nieuw"))
    assert ingest_status_line(cli("status", *base)) == "ingest would run inputs changed"
    both = cli("status", *base, "--set", "run.on_error=fail")
    assert ingest_status_line(both) == "ingest would run config changed: run.on_error; inputs " \
        "changed"
