"""``rodedraden sweep``: the themes computation over a grid of config values, on the cached
embeddings. One row per combination with the unsupervised metrics (and the label metrics when
labels are given); the table is also written as CSV."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import UsageError
from ..storage import atomic_open

METRIC_COLUMNS = ("themes", "rode_draden", "npmi", "diversity", "outlier_share_units",
                  "outlier_share_documents", "silhouette", "stability_ari")
LABEL_COLUMNS = ("ami", "nmi", "ari", "nmi_assigned", "unassigned_share")


def parse_grid(items: Sequence[str]) -> dict[str, list[Any]]:
    """``["themes.cluster.min_cluster_size=5,10", ...]`` -> ``{key: [5, 10]}``.

    Values are YAML scalars; commas inside brackets belong to the value
    (``themes.vectorizer.ngram_range=[1,1],[1,2]``).
    """
    grid: dict[str, list[Any]] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key or not raw.strip():
            raise UsageError(f"--grid {item!r} is not of the form key.path=v1,v2",
                             hint="example: --grid themes.cluster.min_cluster_size=5,10,20",
                             code="RD247")
        grid[key] = [yaml.safe_load(value) for value in _split_values(raw)]
    if not grid:
        raise UsageError("sweep needs at least one --grid", code="RD247",
                         hint="example: --grid themes.cluster.algorithm=hdbscan,kmeans")
    return grid


def _split_values(raw: str) -> list[str]:
    values, depth, current = [], 0, ""
    for char in raw:
        depth += char in "[{"
        depth -= char in "]}"
        if char == "," and depth == 0:
            values.append(current.strip())
            current = ""
        else:
            current += char
    values.append(current.strip())
    return [v for v in values if v]


def combinations(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    keys = list(grid)
    return [dict(zip(keys, values, strict=True))
            for values in itertools.product(*(grid[k] for k in keys))]


def as_overrides(combination: Mapping[str, Any]) -> list[str]:
    return [f"{key}={yaml.safe_dump(value, default_flow_style=True).strip().removesuffix('...')}"
            .strip() for key, value in combination.items()]


def row_for(combination: Mapping[str, Any], unsupervised: Mapping[str, Any],
            supervised: Mapping[str, Any] | None, seconds: float) -> dict[str, Any]:
    row = dict(combination)
    row.update({name: unsupervised.get(name) for name in METRIC_COLUMNS})
    if supervised is not None:
        row.update({name: supervised.get(name) for name in LABEL_COLUMNS})
    row["seconds"] = round(seconds, 2)
    return row


def columns_of(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Union of the rows' keys in first-seen order (a failed combination has an error column
    instead of metrics)."""
    return list(dict.fromkeys(key for row in rows for key in row))


def format_rows(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return "(no rows)"
    columns = columns_of(rows)
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def write_csv(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    with atomic_open(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns_of(rows))
        writer.writeheader()
        writer.writerows(rows)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
