"""The curator tables: themes, theme x target group, theme x labour-market region, theme x
organisation kind, and documents. One function computes them as plain header + rows; the XLSX
and CSV writers only format. Cross tables count documents: a story that names statushouders
five times counts once for its themes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..embed.units import split_unit_id
from ..themes.profile import names_of

REVIEW_COLUMNS = ("curated_label", "action", "notes")
ACTIONS = "keep | rename | merge:<theme id> | delete"
PASSAGE_CHARS = 200  # per passage in the themes sheet; full passages are in themes.json
# Hidden sheet: the units of every theme as this table shows them, so 'curate apply' can
# record what the curator reviewed whichever run comes next (one row per theme and document).
MEMBERS_SHEET = "theme_members"


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list[Any]]
    wide: tuple[str, ...] = ()        # columns with long text (wrapped, wider)
    review: tuple[str, ...] = ()      # columns a curator fills in
    hidden: bool = False              # a sheet for programs, not people (not written as CSV)
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()   # column -> the values it takes


def curator_tables(themes: Sequence[Mapping[str, Any]], documents: Sequence[Mapping[str, Any]],
                   names: Mapping[str, str] | None = None, top: int = 5,
                   units: Sequence[Mapping[str, Any]] = ()) -> list[Table]:
    """``names``: display names by canonical id (e.g. from the gazetteer) for ids that no
    mention names, such as a labour-market region reached through its municipality.
    ``units``: the final theme_units rows (the hidden members sheet)."""
    names = {**names_of(documents), **(names or {})}
    titles = {d["id"]: d["metadata"]["title"] or d["id"] for d in documents}
    per_theme = _theme_documents(documents)
    crosses = {key: _cross(per_theme, documents, key) for key in
               ("doelgroepen", "arbeidsmarktregios", "organisation_kinds", "provincies")}
    return [
        _themes_table(themes, per_theme, crosses, names, titles, top),
        _cross_table("theme_x_doelgroep", themes, crosses["doelgroepen"], names),
        _cross_table("theme_x_arbeidsmarktregio", themes, crosses["arbeidsmarktregios"], names),
        _cross_table("theme_x_organisation_kind", themes, crosses["organisation_kinds"], {}),
        _documents_table(documents, themes, names),
        _members_table(units),
    ]


def _members_table(units: Sequence[Mapping[str, Any]]) -> Table:
    per: dict[tuple[int, str], list[str]] = defaultdict(list)
    for unit in units:
        if unit["theme"] >= 0:
            per[(unit["theme"], unit["doc_id"])].append(str(split_unit_id(unit["id"])[1]))
    rows = [[tid, doc, " ".join(indexes)] for (tid, doc), indexes in sorted(per.items())]
    return Table(MEMBERS_SHEET, ["theme_id", "document_id", "units"], rows, hidden=True)


def _themes_table(themes, per_theme, crosses, names, titles, top) -> Table:
    header = ["theme_id", "label", "current_curated_label", "catalogue_candidates", "lineage",
              "review", "top_terms", "units", "documents",
              "share_of_units", "rode_draad", "spread_arbeidsmarktregios",
              "spread_provincies", "arbeidsmarktregios", "representative_passages",
              "doelgroepen", "organisation_kinds", "pps_share", "parent_theme",
              *REVIEW_COLUMNS]
    rows = []
    for theme in themes:
        tid = theme["id"]
        docs = per_theme.get(tid, [])
        pps = sum(1 for d in docs if d["pps"]) / len(docs) if docs else None
        passages = "\n".join(
            f"[{titles.get(p['doc_id'], p['doc_id'])}] {_short(p.get('excerpt', ''))}"
            for p in theme.get("passages", [])[:3])
        rows.append([
            tid, theme["label"], theme.get("curated_label") or "",
            _candidates(theme.get("catalogue_candidates") or []),
            (theme.get("lineage") or {}).get("text", ""), "; ".join(theme.get("review") or []),
            "; ".join(t["term"] for t in theme["terms"][:10]),
            theme["size"]["units"], theme["size"]["documents"],
            (theme.get("share") or {}).get("units"), bool(theme.get("rode_draad")),
            len(crosses["arbeidsmarktregios"].get(tid, {})),
            len(crosses["provincies"].get(tid, {})),
            _top_list(crosses["arbeidsmarktregios"].get(tid, {}), names, top), passages,
            _top_list(crosses["doelgroepen"].get(tid, {}), names, top),
            _top_list(crosses["organisation_kinds"].get(tid, {}), {}, top),
            None if pps is None else round(pps, 3),
            theme.get("parent"), "", "", ""])
    return Table("themes", header, rows,
                 wide=("catalogue_candidates", "lineage", "review", "top_terms",
                       "arbeidsmarktregios", "representative_passages", "doelgroepen",
                       "organisation_kinds"),
                 review=REVIEW_COLUMNS)


def _candidates(candidates: Sequence[Mapping[str, Any]]) -> str:
    """The catalogue entries that came closest, with their evidence: what a curator weighs
    where the label abstained (similarity of the theme to the entry; seed lift: how much
    more often the theme's texts name the entry's seed words than the corpus does)."""
    return "; ".join(
        f"{c['name']} (similarity {c['similarity']:.2f}"
        + ("" if c.get("seed_lift") is None else f", seed lift {c['seed_lift']:.1f}") + ")"
        for c in candidates)


def _cross_table(name: str, themes, counts: Mapping[int, Counter], names) -> Table:
    columns = sorted({key for counter in counts.values() for key in counter},
                     key=lambda k: (names.get(k, k).lower(), k))
    header = ["theme_id", "label", *[names.get(c, c) for c in columns]]
    rows = [[t["id"], t.get("curated_label") or t["label"],
             *[counts.get(t["id"], Counter()).get(c, 0) for c in columns]] for t in themes]
    return Table(name, header, rows)


def _documents_table(documents, themes, names) -> Table:
    labels = {t["id"]: t.get("curated_label") or t["label"] for t in themes}
    header = ["document_id", "title", "date", "source", "main_theme", "themes",
              "arbeidsmarktregios", "gemeenten", "doelgroepen", "organisations", "pps"]
    rows = []
    for doc in documents:
        main = doc["main_theme"]
        rows.append([
            doc["id"], doc["metadata"]["title"], doc["metadata"]["date"],
            doc["metadata"]["source"], "" if main is None else f"{main}: {labels.get(main, '')}",
            "; ".join(f"{t['theme']}: {labels.get(t['theme'], t['label'])} ({t['weight']:.2f})"
                      for t in doc["themes"][:3]),
            "; ".join(names.get(r, r) for r in doc["regions"]["arbeidsmarktregios"]),
            "; ".join(names.get(r, r) for r in doc["regions"]["gemeenten"]),
            "; ".join(names.get(g, g) for g in doc["doelgroepen"]),
            "; ".join(p["name"] for p in doc["partners"] if not p["generic"]),
            doc["pps"]])
    return Table("documents", header, rows,
                 wide=("title", "themes", "gemeenten", "doelgroepen", "organisations"))


def _theme_documents(documents) -> dict[int, list[Mapping[str, Any]]]:
    found: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for doc in documents:
        for weight in doc["themes"]:
            found[weight["theme"]].append(doc)
    return found


def _cross(per_theme, documents, key: str) -> dict[int, Counter]:
    result: dict[int, Counter] = {}
    for tid, docs in per_theme.items():
        counter: Counter = Counter()
        for doc in docs:
            counter.update(set(_values(doc, key)))
        result[tid] = counter
    return result


def _values(doc: Mapping[str, Any], key: str) -> list[str]:
    if key == "doelgroepen":
        return list(doc["doelgroepen"])
    if key == "organisation_kinds":
        return [p["kind"] for p in doc["partners"] if not p["generic"]]
    return list(doc["regions"][key])




def _short(text: str, limit: int = PASSAGE_CHARS) -> str:
    """One line of a passage, cut at a word: a table row should stay readable."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + " …"


def _top_list(counter: Mapping[str, int], names: Mapping[str, str], top: int) -> str:
    ordered = sorted(counter.items(), key=lambda kv: (-kv[1], names.get(kv[0], kv[0])))
    return "; ".join(f"{names.get(k, k)} ({n})" for k, n in ordered[:top])
