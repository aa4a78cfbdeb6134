"""Two runs on one outputs folder: while another process holds the lock, a run gives up with a
clear message (or waits, up to run.lock_timeout_s) and writes nothing."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from helpers import DEFAULT_CONFIG, make_settings, md_story, write

from pipeline import ingest
from pipeline.errors import RunLockedError
from pipeline.runner import LOCK_FILE, Runner

HOLDER = """
import sys, filelock
lock = filelock.FileLock(sys.argv[1])
lock.acquire(timeout=5)
print("locked", flush=True)
sys.stdin.read()          # hold the lock until the test closes our stdin
lock.release()
"""


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    write(folder / "a.md", md_story(501, "Verhaal"))
    return folder


@pytest.fixture
def held_lock(tmp_path):
    """Another process holding outputs/.rodedraden.lock."""
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out / LOCK_FILE)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield out
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


def test_locked_outputs_folder_raises_run_locked_error(corpus, held_lock):
    runner = Runner([ingest.STAGE], make_settings("run.lock_timeout_s=0"), corpus, held_lock)
    with pytest.raises(RunLockedError) as info:
        runner.run()
    assert str(held_lock) in info.value.message
    assert info.value.exit_code == 1
    assert not (held_lock / "runs").exists() and not (held_lock / "latest").exists()


def test_run_waits_up_to_the_timeout_before_giving_up(corpus, held_lock):
    runner = Runner([ingest.STAGE], make_settings("run.lock_timeout_s=0.3"), corpus, held_lock)
    started = time.monotonic()
    with pytest.raises(RunLockedError):
        runner.run()
    assert 0.25 <= time.monotonic() - started < 5


def test_cli_exits_1_and_names_the_folder(cli, corpus, held_lock):
    result = cli("ingest", "--corpus", corpus, "--out", held_lock, "--config", DEFAULT_CONFIG,
                 "--set", "run.lock_timeout_s=0")
    assert result.exit_code == 1
    assert f"another rodedraden run is using the outputs folder {held_lock}" in result.output
    assert "lock_timeout_s" in result.output  # the hint says what to do
    assert "Traceback" not in result.output


def test_run_succeeds_once_the_lock_is_released(corpus, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out / LOCK_FILE)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    holder.stdin.close()
    holder.wait(timeout=10)
    result = Runner([ingest.STAGE], make_settings("run.lock_timeout_s=0"), corpus, out).run()
    assert (out / "latest").resolve() == result.run_dir.resolve()


def test_a_finished_or_failed_run_leaves_the_folder_unlocked(corpus, tmp_path):
    """The lock is released when run() returns or raises, not when the runner is collected:
    a failed run's traceback (kept by whoever reports it) must not lock the folder."""
    import filelock

    from pipeline.errors import StageFailedError
    from pipeline.runner import Stage

    out = tmp_path / "out"
    runner = Runner([ingest.STAGE], make_settings("run.lock_timeout_s=5"), corpus, out)
    runner.run()
    filelock.FileLock(str(out / LOCK_FILE)).acquire(timeout=0).lock.release()

    def broken(ctx, ingest):
        raise StageFailedError("broken on purpose")

    failing = Runner([ingest.STAGE, Stage("broken", broken, "1", (), ("ingest",))],
                     make_settings("run.lock_timeout_s=5"), corpus, out)
    with pytest.raises(StageFailedError) as info:
        failing.run()
    assert "broken on purpose" in str(info.value)   # info keeps the failure's frames alive
    probe = filelock.FileLock(str(out / LOCK_FILE))
    probe.acquire(timeout=0)               # raises Timeout while the folder is still locked
    probe.release()
    assert runner.run().run_dir.is_dir()
