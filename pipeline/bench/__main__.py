"""``python -m pipeline.bench [NAME ...] [--quick]``: run the benchmarks, print a table and
write ``outputs/bench/bench.json``."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import platform
import sys
import time
from pathlib import Path

from ..runner import versions
from ..storage import write_json


def main() -> None:
    import pipeline.bench as package

    available = sorted(m.name for m in pkgutil.iter_modules(package.__path__)
                       if not m.name.startswith("_"))
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("names", nargs="*", choices=available + [[]], metavar="NAME",
                        help=f"benchmarks to run (default all: {', '.join(available)})")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke check")
    args = parser.parse_args()
    rows = []
    for name in args.names or available:
        started = time.perf_counter()
        print(f"== {name}", file=sys.stderr, flush=True)
        module = importlib.import_module(f"pipeline.bench.{name}")
        for row in module.run(quick=args.quick):
            rows.append({"bench": name, **row})
            print(_format(rows[-1]), flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    target = Path("outputs/bench/bench.json")
    write_json(target, {"machine": platform.platform(), "cpus": _cpus(), "versions": versions(),
                        "rows": rows})
    print(f"written: {target}")


def _format(row: dict) -> str:
    ratio = f"  ratio {row['ratio']:.2f} vs {row['baseline']}" if "ratio" in row else ""
    return f"  {row['what']:<58} {row['value']:>12,.1f} {row['unit']:<10}{ratio}"


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    main()
