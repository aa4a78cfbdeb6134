"""The outputs folder is the user's: files rodedraden did not make are never replaced (a
command refuses up front, exit 2); SIGTERM ends a run like Ctrl-C (failed-<id>, no
.partial-<id>); ``status`` lists unfinished runs and ``clean --partial`` removes them while no
run holds the folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import DEFAULT_CONFIG, REPO, md_story, write
from test_locking import HOLDER

from pipeline.outputs import LOCK_FILE, point_latest

RODEDRADEN = Path(sys.executable).parent / "rodedraden"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    write(folder / "a.md", md_story(501, "Verhaal"))
    return folder


def ingest(cli, corpus, out, *args):
    return cli("ingest", "--corpus", corpus, "--out", out, "--config", DEFAULT_CONFIG, *args)


def assert_refused(result, path):
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and "move or rename" in result.output
    assert "Traceback" not in result.output


# -- up-front checks ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_user_latest_is_refused_before_anything_runs_and_left_alone(cli, corpus, tmp_path,
                                                                       kind):
    out = tmp_path / "out"
    latest = out / "latest"
    if kind == "file":
        write(latest, "mijn aantekeningen\n")
    else:
        write(latest / "notities.txt", "van mij\n")
    result = ingest(cli, corpus, out)
    assert_refused(result, latest)
    assert "RD330" in result.output and kind in result.output
    assert not (out / "runs").exists()  # no complete run, no failed-<id>
    assert (latest.read_text() if kind == "file" else (latest / "notities.txt").read_text())
    status = cli("status", "--corpus", corpus, "--out", out, "--config", DEFAULT_CONFIG)
    assert_refused(status, latest)


@pytest.mark.parametrize("name", ["runs", "cache", "cache/rodedraden-cache.sqlite"])
def test_a_file_where_a_folder_of_ours_belongs_is_refused(cli, corpus, tmp_path, name):
    out = tmp_path / "out"
    in_the_way = out / name
    if name.endswith(".sqlite"):
        in_the_way.mkdir(parents=True)  # a folder where the cache database belongs
    else:
        write(in_the_way, "van de gebruiker\n")
    result = ingest(cli, corpus, out)
    assert_refused(result, in_the_way)
    assert "RD331" in result.output
    assert not (out / "latest").exists()


def test_our_latest_symlink_is_replaced(cli, corpus, tmp_path):
    out = tmp_path / "out"
    assert ingest(cli, corpus, out).exit_code == 0
    first = (out / "latest").resolve()
    assert ingest(cli, corpus, out, "--set", "run.seed=7").exit_code == 0
    assert (out / "latest").is_symlink() and (out / "latest").resolve() != first


def test_a_latest_that_appears_during_a_run_is_left_alone(tmp_path):
    out = tmp_path / "out"
    run_dir = out / "runs" / "20240101-000000"
    run_dir.mkdir(parents=True)
    (out / "latest").mkdir()
    assert point_latest(out, run_dir) is False
    assert (out / "latest").is_dir() and not (out / "latest").is_symlink()
    assert [p.name for p in out.iterdir() if p.name.startswith(".latest")] == []


# -- status and clean --partial --------------------------------------------------------------


def leftover(out: Path, run_id: str = "20240101-000000") -> Path:
    folder = out / "runs" / f".partial-{run_id}"
    write(folder / "run.log", "afgebroken\n")
    return folder


def test_status_lists_leftover_partials_and_clean_removes_only_them(cli, corpus, tmp_path):
    out = tmp_path / "out"
    assert ingest(cli, corpus, out).exit_code == 0
    run_dir = (out / "latest").resolve()
    failed = write(out / "runs" / "failed-20230101-000000" / "run.json", "{}\n").parent
    stale = [leftover(out, "20240101-000000"), leftover(out, "20240102-000000")]
    status = cli("status", "--corpus", corpus, "--out", out, "--config", DEFAULT_CONFIG)
    assert status.exit_code == 0, status.output
    assert "leftover unfinished runs: .partial-20240101-000000, .partial-20240102-000000" \
        in status.output
    assert "rodedraden clean --partial" in status.output

    cleaned = cli("clean", "--partial", "--out", out)
    assert cleaned.exit_code == 0, cleaned.output
    assert "2 unfinished run folder(s) removed" in cleaned.output
    assert not any(p.exists() for p in stale)
    assert run_dir.is_dir() and failed.is_dir() and (out / "latest").resolve() == run_dir
    status = cli("status", "--corpus", corpus, "--out", out, "--config", DEFAULT_CONFIG)
    assert "unfinished" not in status.output
    again = cli("clean", "--partial", "--out", out)
    assert again.exit_code == 0 and "0 unfinished" in again.output


def test_clean_refuses_while_a_run_holds_the_folder(cli, tmp_path):
    out = tmp_path / "out"
    partial = leftover(out)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out / LOCK_FILE)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = cli("clean", "--partial", "--out", out)
        assert result.exit_code == 1, result.output
        assert f"a rodedraden run is using the outputs folder {out}" in result.output
        assert "Traceback" not in result.output
        assert partial.is_dir()
        from pipeline.outputs import partial_status

        assert "a run is using" in partial_status(out)[0]
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert cli("clean", "--partial", "--out", out).exit_code == 0
    assert not partial.exists()


def test_clean_usage_errors(cli, tmp_path):
    out = tmp_path / "out"
    leftover(out)
    result = cli("clean", "--out", out)
    assert result.exit_code == 2 and "--partial" in result.output
    result = cli("clean", "--partial", "--out", tmp_path / "elders")
    assert result.exit_code == 2 and "outputs folder not found" in result.output
    write(out / "latest", "van mij\n")
    result = cli("clean", "--partial", "--out", out)
    assert_refused(result, out / "latest")
    assert (out / "runs" / ".partial-20240101-000000").is_dir()


# -- SIGTERM ---------------------------------------------------------------------------------


def test_sigterm_fails_the_run_like_ctrl_c_and_the_next_run_succeeds(tmp_path):
    from test_file_modes import fast_options
    from test_themes import write_corpus

    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, n_per_topic=8)
    args = [str(RODEDRADEN), "run", "--corpus", str(corpus), "--out", str(out), "--quiet",
            *fast_options()]
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("runs/.partial-*")) and proc.poll() is None:
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be terminated"
    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1, output
    assert "terminated (SIGTERM)" in output and "Traceback" not in output
    names = [p.name for p in (out / "runs").iterdir()]
    assert len(names) == 1 and names[0].startswith("failed-"), names
    assert '"status": "failed"' in (out / "runs" / names[0] / "run.json").read_text()
    assert not (out / "latest").exists()

    rerun = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert (out / "latest").resolve().parent == (out / "runs").resolve()
    assert not list(out.glob("runs/.partial-*"))


def test_the_sigterm_handler_is_restored_after_a_command(cli, corpus, tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    assert ingest(cli, corpus, tmp_path / "out").exit_code == 0
    assert signal.getsignal(signal.SIGTERM) is before


def test_sigterm_inside_a_stage_is_raised_there_and_the_run_is_failed(tmp_path):
    """In-process and deterministic: the signal arrives while a stage computes."""
    from helpers import make_settings

    from pipeline.runner import Runner, Stage
    from pipeline.signals import Terminated, sigterm_as_interrupt

    def slow(ctx, numbers):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)  # the handler interrupts the sleep
        return {"never.json": numbers}

    stage = Stage(name="slow", func=slow, version="1", sections=("run.seed",),
                  gather=lambda settings, corpus: {"numbers": [1]})
    (tmp_path / "corpus").mkdir()
    out = tmp_path / "out"
    started = time.monotonic()
    with sigterm_as_interrupt(), pytest.raises(Terminated):
        Runner([stage], make_settings(), tmp_path / "corpus", out).run()
    assert time.monotonic() - started < 20
    names = [p.name for p in (out / "runs").iterdir()]
    assert len(names) == 1 and names[0].startswith("failed-")
    assert "terminated by SIGTERM" in (out / "runs" / names[0] / "run.json").read_text()
