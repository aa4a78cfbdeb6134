"""The outputs folder: what rodedraden keeps in it, checked before anything runs.

``--out`` is the user's folder. rodedraden owns ``runs/``, ``cache/``, the lock file and the
``latest`` symlink in it, and nothing else: when something the user made sits where one of
those belongs, a command stops before any stage runs and says what to move, rather than
replacing the user's file or failing halfway. ``latest`` is only ever replaced while it is a
symlink.

Runs that were killed (SIGKILL, a power cut) leave ``runs/.partial-<id>/``; ``status`` lists
them and :func:`clean_partials` (``rodedraden clean --partial``) removes them while no run
holds the folder.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock

from .errors import RunLockedError, UsageError

log = logging.getLogger("rodedraden")

CACHE_FILE = "cache/rodedraden-cache.sqlite"
LOCK_FILE = ".rodedraden.lock"
PARTIAL_PREFIX = ".partial-"
# what rodedraden creates in --out, and the kind of thing each must be
OWNED = (("runs", "folder"), ("cache", "folder"), (CACHE_FILE, "file"), (LOCK_FILE, "file"))


def check_outputs_folder(out: Path) -> None:
    """Raise :class:`UsageError` (exit 2) when the user's files are in rodedraden's way.

    Called before any stage runs (and by ``status``), so a run never ends in an error about
    its own folder after hours of work, and no file the user made is replaced.
    """
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder",
                         hint="point --out at a folder (it is created when missing)")
    latest = out / "latest"
    if latest.exists() and not latest.is_symlink():
        kind = "folder" if latest.is_dir() else "file"
        raise UsageError(
            f"{latest} is a {kind} rodedraden did not make: runs point 'latest' at the newest "
            "run with a symlink, and a run would replace it", code="RD330",
            hint=f"move or rename {latest}, or use another --out")
    for name, kind in OWNED:
        path = out / name
        dangling = path.is_symlink() and not path.exists()
        wrong = dangling or (path.exists() and (
            not path.is_dir() if kind == "folder" else not path.is_file()))
        if wrong:
            raise UsageError(
                f"{path} is in the way: rodedraden keeps a {kind} there", code="RD331",
                hint=f"move or rename {path}, or use another --out")


def point_latest(out: Path, run_dir: Path) -> bool:
    """Point ``out/latest`` at ``run_dir``; False (and a warning) when something that is not
    our symlink appeared there since :func:`check_outputs_folder`: it is left alone."""
    link = out / "latest"
    if (link.exists() or link.is_symlink()) and not link.is_symlink():
        log.warning("%s is not a symlink: left alone, so 'latest' does not point at %s",
                    link, run_dir)
        return False
    tmp = out / f".latest-{os.getpid()}"
    if tmp.is_symlink():
        tmp.unlink()  # a link of ours that an earlier run with this pid left behind
    os.symlink(Path("runs") / run_dir.name, tmp)
    os.replace(tmp, link)
    return True


def outputs_lock(out: Path) -> filelock.FileLock:
    """The lock a run holds on ``out`` from start to finish."""
    return filelock.FileLock(str(out / LOCK_FILE))


@contextmanager
def held_now(out: Path) -> Iterator[bool]:
    """Hold the outputs lock while the block runs, if no run holds it; yields whether it
    does. Never waits, and never creates ``out``."""
    if not out.is_dir():
        yield True
        return
    lock = outputs_lock(out)
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def partial_runs(out: Path) -> list[Path]:
    """``runs/.partial-<id>/`` folders: runs that never finished (or the one running now)."""
    runs = out / "runs"
    if not runs.is_dir():
        return []
    return sorted(p for p in runs.iterdir()
                  if p.name.startswith(PARTIAL_PREFIX) and p.is_dir() and not p.is_symlink())


def partial_status(out: Path) -> list[str]:
    """Lines for ``rodedraden status`` about unfinished runs (none when there are none)."""
    found = partial_runs(out)
    if not found:
        return []
    try:
        with held_now(out) as free:
            pass
    except OSError:  # a folder we may read but not write: say what we know
        free = True
    names = ", ".join(p.name for p in found)
    if not free:
        return [f"unfinished runs: {names} (a run is using {out} now: one of them is it)"]
    return [f"leftover unfinished runs: {names}",
            f"  hint: runs that were killed; 'rodedraden clean --partial --out {out}' "
            "removes them"]


def clean_partials(out: Path) -> list[Path]:
    """Remove ``runs/.partial-*`` folders, only while no run holds ``out``; the removed."""
    if not out.is_dir():
        raise UsageError(f"outputs folder not found: {out}", code="RD332",
                         hint="pass --out with the folder your runs write to")
    with held_now(out) as free:
        if not free:
            raise RunLockedError(
                f"a rodedraden run is using the outputs folder {out}: its unfinished run "
                "folder is in use", hint="wait for the run to finish, then clean again")
        removed = []
        for folder in partial_runs(out):
            shutil.rmtree(folder)
            removed.append(folder)
        return removed
