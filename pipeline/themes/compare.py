"""``rodedraden compare RUN_A RUN_B ...``: config and metric differences of runs side by side,
the ``dvc params diff`` / ``dvc metrics diff`` idea. A run is named by its id (a folder under
``OUT/runs``), by ``latest``, or by a path to a run folder."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import UsageError

METRIC_FILES = "*metrics*.json"


def find_run(name: str, out: Path) -> Path:
    for candidate in (Path(name), out / "runs" / name, out / name):
        if (candidate / "run.json").is_file():
            return candidate
    runs = sorted(p.name for p in (out / "runs").glob("*") if p.is_dir()) \
        if (out / "runs").is_dir() else []
    raise UsageError(f"run not found: {name}", code="RD248",
                     hint=f"give a run id from {out / 'runs'} (latest: "
                     f"{', '.join(runs[-3:]) or 'none'}), 'latest', or a run folder")


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings to dotted keys; lists stay values."""
    if isinstance(data, Mapping):
        flat: dict[str, Any] = {}
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}{key}."))
        return flat
    return {prefix.rstrip("."): data}


def load_run(folder: Path) -> dict[str, Any]:
    config_file = folder / "config.yaml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) \
        if config_file.is_file() else {}
    found: dict[str, Any] = {}
    for file in sorted(folder.glob(METRIC_FILES)):
        stem = file.stem
        values = flatten(json.loads(file.read_text(encoding="utf-8")))
        found.update({f"{stem}.{k}": v for k, v in values.items()
                      if isinstance(v, int | float) and not isinstance(v, bool)})
    return {"name": folder.name, "config": flatten(config or {}), "metrics": found}


def differences(runs: Sequence[Mapping[str, Any]], part: str) -> list[tuple[str, list[Any]]]:
    keys = sorted(set().union(*(run[part] for run in runs)))
    rows = []
    for key in keys:
        values = [run[part].get(key) for run in runs]
        if part == "metrics" or any(v != values[0] for v in values[1:]):
            rows.append((key, values))
    return rows


def format_comparison(runs: Sequence[Mapping[str, Any]]) -> str:
    names = [run["name"] for run in runs]
    lines = []
    config_rows = differences(runs, "config")
    lines.append("config differences:" if config_rows else "config: identical")
    lines += _table(config_rows, names, with_delta=False)
    metric_rows = differences(runs, "metrics")
    lines.append("metrics:" if metric_rows else "metrics: none found (*metrics*.json)")
    lines += _table(metric_rows, names, with_delta=True)
    return "\n".join(lines)


def _table(rows: list[tuple[str, list[Any]]], names: Sequence[str],
           with_delta: bool) -> list[str]:
    if not rows:
        return []
    header = ["key", *names] + (["delta (last - first)"] if with_delta else [])
    cells = []
    for key, values in rows:
        row = [key, *(_cell(v) for v in values)]
        if with_delta:
            first, last = values[0], values[-1]
            row.append(_cell(round(last - first, 4)) if isinstance(first, int | float)
                       and isinstance(last, int | float) else "-")
        cells.append(row)
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    out = ["  " + "  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True))]
    out += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return out


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "..."
