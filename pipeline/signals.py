"""SIGTERM ends a command the way Ctrl-C does.

Python's default for SIGTERM is to die on the spot, which leaves a run's
``runs/.partial-<id>/`` folder behind for ever; ``kill``, ``timeout``, systemd, docker and
batch schedulers all send SIGTERM first. Raising :class:`Terminated` (a KeyboardInterrupt)
in the main thread instead lets the runner do what it does for Ctrl-C: mark the run failed,
rename it to ``failed-<id>`` and release the outputs lock.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(KeyboardInterrupt):
    """Raised in the main thread on SIGTERM; handled wherever KeyboardInterrupt is."""

    def __str__(self) -> str:
        return "terminated by SIGTERM"


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated`; the previous handler is put back
    afterwards. Does nothing outside the main thread (Python only lets it set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def handler(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:
            # a forked worker (spaCy's n_process) inherits the handler; multiprocessing
            # stops its workers with SIGTERM and expects them to die at once
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
