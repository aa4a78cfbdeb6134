"""Curators' decisions about themes: read from a reviewed table, kept in
``configs/curation.yaml``, applied by the next run.

A decision is about a stable theme id (see :mod:`pipeline.export.identity`): a curated label,
and an action: ``keep``, ``rename`` (needs a label), ``merge:<id>`` (the theme's units and
documents go to theme <id>; chains are followed) or ``delete`` (its units count as outliers).
Decisions for ids that no longer exist are kept in the file and reported, never applied
elsewhere.

A decision also records the units the theme held in the table the curator reviewed (the
workbook's hidden ``theme_members`` sheet, or the run a CSV came from). With them the next run
can tell whether a curated label still sits on the theme the curator saw (and flag it for
review when not), say where the units of a vanished theme went, find the theme again where
ids do not connect, and anchor the next clustering (:mod:`pipeline.themes.anchors`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..embed.units import unit_id
from ..errors import ConfigError, UsageError
from .identity import theme_members
from .safety import FORMULA_PREFIXES
from .tables import MEMBERS_SHEET

ACTION = re.compile(r"^(keep|rename|delete|merge:(\d+))$")
UNIT_ID = re.compile(r"^[^#]+#\d+$")   # pipeline.embed.units.unit_id
HEADER = ("# Curators' decisions about themes, by stable theme id. Written by\n"
          "# 'rodedraden curate apply FILE'; you may edit it by hand. The next run applies it.\n"
          "# action: keep | rename (needs label) | merge:<theme id> | delete\n")


def read_review(path: Path) -> tuple[dict[int, dict[str, Any]], dict[int, list[str]] | None]:
    """Decisions from a reviewed ``themes.xlsx`` (sheet "themes") or themes CSV, and the
    units of each theme as the reviewed table had them (None when the table does not carry
    them: a CSV, or a workbook from before they were written)."""
    if not path.is_file():
        raise UsageError(f"reviewed table not found: {path}",
                         hint="pass the themes.xlsx (or themes.csv) a curator filled in")
    xlsx = path.suffix.lower() == ".xlsx"
    rows = _table_rows(path)
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
    return decisions, (_xlsx_members(path) if xlsx else None)


def reviewed_decisions(table: Path, run_dir: Path) -> tuple[dict[int, dict[str, Any]], str]:
    """Decisions from a reviewed table with the units each theme held in it, and where those
    units came from: the workbook itself, or (for a CSV) ``run_dir``, which must be the run
    the table was exported from."""
    decisions, members = read_review(table)
    if members is not None:
        return with_members(decisions, members), "the workbook"
    members, labels = run_members(run_dir)
    mismatch = sorted(t for t, label in table_themes(table).items() if labels.get(t) != label)
    if mismatch:
        raise UsageError(f"{table} does not come from the run in {run_dir}: theme(s) "
                         f"{mismatch[:10]} differ", code="RD154",
                         hint="pass --run with the run folder the table was exported from")
    return with_members(decisions, members), str(run_dir)


def table_themes(path: Path) -> dict[int, str]:
    """``{theme id: automatic label}`` of the themes sheet, to check which run it came from."""
    rows = _table_rows(path)
    header = rows[0]
    found = {}
    for values in rows[1:]:
        row = dict(zip(header, values, strict=False))
        if str(row.get("theme_id", "")).strip().lstrip("-").isdigit():
            found[int(row["theme_id"])] = _text(row.get("label"))
    return found


def run_members(run_dir: Path) -> tuple[dict[int, list[str]], dict[int, str]]:
    """Units per final theme id in a run folder, and the themes' automatic labels."""
    import json

    units_file, themes_file = run_dir / "theme_units.jsonl", run_dir / "themes.json"
    if not (units_file.is_file() and themes_file.is_file()):
        raise UsageError(f"{run_dir} is not a run folder with theme_units.jsonl and themes.json",
                         hint="pass --run with the run the reviewed table came from")
    with open(units_file, encoding="utf-8") as handle:
        members = theme_members(json.loads(line) for line in handle if line.strip())
    themes = json.loads(themes_file.read_text(encoding="utf-8"))["themes"]
    return members, {int(t["id"]): t["label"] for t in themes}


def with_members(decisions: Mapping[int, Mapping[str, Any]],
                 members: Mapping[int, Sequence[str]]) -> dict[int, dict[str, Any]]:
    """Decisions with the units their theme held in the reviewed table (merges and deletions
    too: where a merged theme's units went is what the next run checks)."""
    return {tid: {**d, **({"units": sorted(members[tid])} if members.get(tid) else {})}
            for tid, d in decisions.items()}


def _decision(row: Mapping[str, Any], units: Any = None) -> dict[str, Any] | None:
    """A decision from a table row (``units`` only from the decisions file: in the themes
    sheet "units" is the theme's size)."""
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
    decision = {"label": label or None, "action": action, "notes": notes or None}
    if units is not None:
        if not isinstance(units, list) or not all(isinstance(u, str) and UNIT_ID.match(u)
                                                  for u in units):
            raise ValueError("units must be a list of unit ids (as in theme_units.jsonl)")
        decision["units"] = sorted(units)
    return decision


def merge_decisions(path: Path, new: Mapping[int, Mapping[str, Any]]) -> dict[int, Any]:
    """``new`` decisions on top of those in the file at ``path`` (decisions about other themes
    are kept); the caller writes :func:`curation_text` of the result atomically."""
    merged = {**load_curation(path), **{int(k): dict(v) for k, v in new.items()}}
    return merged


def curation_text(decisions: Mapping[int, Mapping[str, Any]]) -> str:
    body = {"themes": {int(k): {key: value for key, value in v.items() if value is not None}
                       for k, v in sorted(decisions.items())}}
    # units as one flow list per theme: a long but quiet line in a diff
    return HEADER + yaml.safe_dump(body, sort_keys=False, allow_unicode=True,
                                   default_flow_style=None, width=100)


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
                                  "curated_label": (value or {}).get("label")},
                                 (value or {}).get("units"))
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
    gone = sorted(k for k in decisions if k not in ids)
    # A merge whose source is gone while its target is here has been done by the clustering
    # itself (the curated themes anchored it): settled, not stale.
    settled = [k for k in gone if (m := ACTION.match(decisions[k]["action"])) and m.group(2)
               and _final_target(int(m.group(2)), decisions, ids) in ids]
    stale = [k for k in gone if k not in settled]
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
              "settled": settled,
              "merged": sorted(t for t, g in target.items() if g is not None and g != t),
              "deleted": sorted(t for t, g in target.items() if g is None)}
    return [kept[t] for t in sorted(kept, key=lambda t: [x["id"] for x in themes].index(t))
            ], rows, report


def follow_merges(tid: int, decisions: Mapping[int, Mapping[str, Any]]) -> int | None:
    """Where a theme ends after following merge decisions, whether or not those themes exist
    in this run; None when the chain ends in a delete (or loops: :func:`apply_curation`
    reports that as an error)."""
    seen = set()
    current = tid
    while current not in seen:
        seen.add(current)
        match = ACTION.match((decisions.get(current) or {}).get("action", "keep"))
        if match and match.group(1) == "delete":
            return None
        if not (match and match.group(2)):
            return current
        current = int(match.group(2))
    return None


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


def _table_rows(path: Path) -> list[list[Any]]:
    return _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(path)


def _xlsx_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for non-workbooks
        raise UsageError(f"{path}: cannot read the workbook ({exc})") from None
    if "themes" not in book.sheetnames:
        raise UsageError(f"{path}: no sheet named 'themes' (sheets: {book.sheetnames})")
    return [[cell for cell in row] for row in book["themes"].iter_rows(values_only=True)]


def _xlsx_members(path: Path) -> dict[int, list[str]] | None:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    if MEMBERS_SHEET not in book.sheetnames:
        return None
    members: dict[int, list[str]] = {}
    rows = book[MEMBERS_SHEET].iter_rows(values_only=True)
    header = list(next(rows, ()))
    if header[:3] != ["theme_id", "document_id", "units"]:
        return None
    for theme_id, document_id, units in (row[:3] for row in rows):
        if theme_id is None or document_id is None:
            continue
        members.setdefault(int(theme_id), []).extend(
            unit_id(_text(document_id), int(index)) for index in str(units or "").split())
    return members


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
