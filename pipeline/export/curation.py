"""Curators' decisions about themes: read from a reviewed table, kept in
``configs/curation.yaml``, applied by the next run.

A decision is about a stable theme id (see :mod:`pipeline.export.identity`): a curated label,
and an action: ``keep``, ``rename`` (needs a label), ``merge:<id>`` (the theme's units and
documents go to theme <id>; chains are followed) or ``delete`` (its units count as outliers).
Decisions for ids that no longer exist are kept in the file and reported, never applied
elsewhere.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError, UsageError
from .safety import FORMULA_PREFIXES

ACTION = re.compile(r"^(keep|rename|delete|merge:(\d+))$")
HEADER = ("# Curators' decisions about themes, by stable theme id. Written by\n"
          "# 'rodedraden curate apply FILE'; you may edit it by hand. The next run applies it.\n"
          "# action: keep | rename (needs label) | merge:<theme id> | delete\n")


def read_review(path: Path) -> dict[int, dict[str, Any]]:
    """Decisions from a reviewed ``themes.xlsx`` (sheet "themes") or themes CSV."""
    if not path.is_file():
        raise UsageError(f"reviewed table not found: {path}",
                         hint="pass the themes.xlsx (or themes.csv) a curator filled in")
    rows = _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(path)
    if not rows or "theme_id" not in rows[0]:
        raise UsageError(f"{path}: no 'theme_id' column in the themes table",
                         hint="use the themes sheet of a themes.xlsx written by a run")
    header, decisions, problems = rows[0], {}, []
    for number, values in enumerate(rows[1:], start=2):
        row = dict(zip(header, values, strict=False))
        try:
            decision = _decision(row)
        except ValueError as exc:
            problems.append(f"row {number}: {exc}")
            continue
        if decision is not None:
            decisions[int(row["theme_id"])] = decision
    if problems:
        raise UsageError(f"{path}: " + "; ".join(problems),
                         hint="action must be keep, rename, delete or merge:<theme id>; "
                         "rename needs a curated_label")
    return decisions


def _decision(row: Mapping[str, Any]) -> dict[str, Any] | None:
    label = _text(row.get("curated_label"))
    action = _text(row.get("action")).lower()
    notes = _text(row.get("notes"))
    if not (label or action or notes):
        return None
    if not str(row.get("theme_id", "")).strip().lstrip("-").isdigit():
        raise ValueError(f"theme_id {row.get('theme_id')!r} is not a number")
    if not action:
        action = "rename" if label else "keep"
    if not ACTION.match(action):
        raise ValueError(f"unknown action {action!r}")
    if action == "rename" and not label:
        raise ValueError("rename without a curated_label")
    return {"label": label or None, "action": action, "notes": notes or None}


def merge_decisions(path: Path, new: Mapping[int, Mapping[str, Any]]) -> dict[int, Any]:
    """``new`` decisions on top of those in the file at ``path`` (decisions about other themes
    are kept); the caller writes :func:`curation_text` of the result atomically."""
    merged = {**load_curation(path), **{int(k): dict(v) for k, v in new.items()}}
    return merged


def curation_text(decisions: Mapping[int, Mapping[str, Any]]) -> str:
    body = {"themes": {int(k): {key: value for key, value in v.items() if value is not None}
                       for k, v in sorted(decisions.items())}}
    return HEADER + yaml.safe_dump(body, sort_keys=False, allow_unicode=True)


def load_curation(path: Path) -> dict[int, dict[str, Any]]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}", code="RD150") from None
    themes = data.get("themes") if isinstance(data, dict) else None
    if not isinstance(themes, dict):
        raise ConfigError(f"{path}: expected a 'themes:' mapping of theme id -> decision",
                          code="RD151")
    decisions = {}
    for key, value in themes.items():
        try:
            decision = _decision({"theme_id": key, **(value or {}),
                                  "curated_label": (value or {}).get("label")})
        except (ValueError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{path}: theme {key}: {exc}", code="RD152") from None
        if decision is not None:
            decisions[int(key)] = decision
    return decisions


def apply_curation(themes: Sequence[dict[str, Any]], doc_rows: Sequence[dict[str, Any]],
                   decisions: Mapping[int, Mapping[str, Any]]
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Themes and document theme weights with the decisions applied, and a report."""
    ids = {t["id"] for t in themes}
    stale = sorted(k for k in decisions if k not in ids)
    target = {tid: _final_target(tid, decisions, ids) for tid in ids}
    kept = {}
    for theme in themes:
        tid = theme["id"]
        decision = decisions.get(tid, {})
        if target[tid] is None or target[tid] != tid:
            continue
        kept[tid] = {**theme, "curated_label": decision.get("label") or theme.get("curated_label"),
                     "curation": decision.get("action"), "merged_from": []}
    for tid, goal in sorted(target.items()):
        if goal is not None and goal != tid:
            source = next(t for t in themes if t["id"] == tid)
            merged = kept[goal]
            merged["merged_from"].append(tid)
            merged["size"] = {"units": merged["size"]["units"] + source["size"]["units"],
                              "documents": merged["size"]["documents"]}
    labels = {tid: t.get("curated_label") or t["label"] for tid, t in kept.items()}
    rows = []
    for row in doc_rows:
        weights: dict[int, float] = {}
        for item in row["themes"]:
            goal = target.get(item["theme"])
            if goal is not None:
                weights[goal] = weights.get(goal, 0.0) + item["weight"]
        ordered = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        rows.append({**row, "themes": [{"theme": t, "label": labels[t], "weight": round(w, 4)}
                                       for t, w in ordered],
                     "main_theme": ordered[0][0] if ordered else None})
    for tid, theme in kept.items():
        theme["size"]["documents"] = sum(1 for r in rows if any(t["theme"] == tid
                                                                for t in r["themes"]))
    report = {"applied": sorted(k for k in decisions if k in ids), "stale": stale,
              "merged": sorted(t for t, g in target.items() if g is not None and g != t),
              "deleted": sorted(t for t, g in target.items() if g is None)}
    return [kept[t] for t in sorted(kept, key=lambda t: [x["id"] for x in themes].index(t))
            ], rows, report


def _final_target(tid: int, decisions: Mapping[int, Mapping[str, Any]], ids: set[int]
                  ) -> int | None:
    seen = []
    current = tid
    while True:
        action = decisions.get(current, {}).get("action", "keep")
        if action == "delete":
            return None
        match = ACTION.match(action)
        if not (match and match.group(2)):
            return current
        nxt = int(match.group(2))
        if nxt in seen or nxt == tid:
            raise ConfigError(f"curation merges form a cycle: {seen + [current, nxt]}",
                              hint="fix the merge: actions in configs/curation.yaml",
                              code="RD153")
        if nxt not in ids:
            return current  # merging into a theme that no longer exists: keep the theme
        seen.append(current)
        current = nxt


def _xlsx_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for non-workbooks
        raise UsageError(f"{path}: cannot read the workbook ({exc})") from None
    if "themes" not in book.sheetnames:
        raise UsageError(f"{path}: no sheet named 'themes' (sheets: {book.sheetnames})")
    return [[cell for cell in row] for row in book["themes"].iter_rows(values_only=True)]


def _csv_rows(path: Path) -> list[list[Any]]:
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _text(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    # undo only what safe_cell added: "'s-Hertogenbosch" is a name, "'=SUM" was neutralised
    neutralised = text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES)
    return text[1:] if neutralised else text
