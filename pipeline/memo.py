"""The interface through which stage code remembers per-item results.

In a run, :meth:`pipeline.runner.StageContext.map_cached` is the memo: results live in the
outputs folder's cache and survive the process; ``sweep`` reaches the same cache through
:meth:`pipeline.runner.Runner.memo`. Code called without either (tests, library use) gets
:func:`memory_memo`. Helpers take a memo instead of a stage context, so they stay plain
functions of their inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

Memo = Callable[[str, Sequence[tuple[str, Any]], Callable[[Iterable[Any]], Iterator[Any]]],
                list[Any]]
"""``memo(name, [(key, item), ...], compute) -> results``: the result for each key, in order,
computing only the missing ones with ``compute(items)``, which yields one result per item it
is given, in order. Keys must name everything a result depends on."""


def memory_memo() -> Memo:
    """A :data:`Memo` that lives as long as the returned function."""
    store: dict[tuple[str, str], Any] = {}

    def memo(name: str, items: Sequence[tuple[str, Any]],
             compute: Callable[[Iterable[Any]], Iterator[Any]]) -> list[Any]:
        todo = {key: item for key, item in items if (name, key) not in store}
        if todo:  # compute is not called for nothing (an encoder may fail on no texts)
            for key, result in zip(todo, compute(iter(todo.values())), strict=True):
                store[(name, key)] = result
        return [store[(name, key)] for key, _ in items]

    return memo
