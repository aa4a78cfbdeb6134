"""The command line: help, exit codes, the run summary, --quiet, usage errors."""

from __future__ import annotations

import pytest
from helpers import DEFAULT_CONFIG, md_story, read_jsonl, write

OPTIONS = ("--corpus", "--config", "--set", "--out", "--quiet", "--verbose")


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    write(folder / "a.md", md_story(701, "Eerste verhaal"))
    write(folder / "b.md", md_story(702, "Tweede verhaal"))
    write(folder / "leeg.txt", b"")
    write(folder / "tabel.xlsx", b"PK\x03\x04")
    return folder


def test_top_level_help_lists_commands_and_exit_codes(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("run", "ingest", "status", "doctor"):
        assert f"  {command} " in result.output
    assert "Exit codes: 0 success, 1 run failed, 2 bad usage or configuration." in result.output


@pytest.mark.parametrize("command", ["run", "ingest", "status"])
def test_pipeline_commands_take_the_common_options(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0
    for option in OPTIONS:
        assert option in result.output, option


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and "rodedraden, version 0.1.0" in result.output


def test_unknown_command_and_option_exit_2(cli):
    assert cli("bestaat-niet").exit_code == 2
    result = cli("run", "--bogus")
    assert result.exit_code == 2 and "No such option" in result.output


def test_ingest_prints_a_summary_and_writes_the_run(cli, corpus, tmp_path):
    out = tmp_path / "out"
    result = cli("ingest", "--corpus", corpus, "--out", out, "--config", DEFAULT_CONFIG)
    assert result.exit_code == 0, result.output
    run_dir = (out / "latest").resolve()
    assert "finished in" in result.output and str(out / "runs") in result.output
    assert "read: 3 computed, 0 cached" in result.output
    assert ("documents: 2 processed, 1 skipped, 1 failed (from 4 files; reasons in "
            f"{out / 'runs' / run_dir.name / 'manifest.jsonl'})") in result.output
    rows = read_jsonl(run_dir / "manifest.jsonl")
    assert sorted(r["source"] for r in rows) == ["a.md", "b.md", "leeg.txt", "tabel.xlsx"]
    assert "rodedraden: ingest: running" in result.stderr  # progress logs go to stderr


def test_second_run_reports_the_stage_as_cached(cli, corpus, tmp_path):
    args = ("ingest", "--corpus", corpus, "--out", tmp_path / "out", "--config", DEFAULT_CONFIG)
    assert cli(*args).exit_code == 0
    result = cli(*args)
    assert result.exit_code == 0
    line = next(line for line in result.stdout.splitlines() if line.strip().startswith("ingest"))
    assert line.split()[:2] == ["ingest", "cached"]


def test_quiet_prints_only_the_summary(cli, corpus, tmp_path):
    result = cli("ingest", "--corpus", corpus, "--out", tmp_path / "out", "--config",
                 DEFAULT_CONFIG, "--quiet")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("run ") and lines[1].startswith("documents: 2 processed")
    assert "\r" not in result.output  # no progress bar when not on a terminal


def test_verbose_still_gives_a_clean_config_error(cli, corpus, tmp_path):
    result = cli("ingest", "--corpus", corpus, "--out", tmp_path / "out", "--verbose",
                 "--set", "ingest.min_word=5")
    assert result.exit_code == 2
    assert "Did you mean 'ingest.min_words'?" in result.output


def test_out_pointing_at_a_file_is_a_usage_error(cli, corpus, tmp_path):
    target = write(tmp_path / "uitvoer.txt", "dit is een bestand")
    result = cli("ingest", "--corpus", corpus, "--out", target, "--config", DEFAULT_CONFIG)
    assert result.exit_code == 2
    assert "unexpected" not in result.output and str(target) in result.output
