"""``report.html``: one self-contained page for everyone who wants to look rather than read.

Corpus summary, the themes, BERTopic's interactive figures (plotly.js embedded inline once),
tables of regions and target groups, and every document with its entities highlighted
(displaCy-style) and filters by target group, region and theme.

Corpus text is untrusted. Everything reaches the page through Jinja2 with autoescape on; the
only HTML built here is the highlighted text, where each text segment and attribute is
escaped by ``markupsafe``. Data for the page's script is JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\\u003c`` and
so on (so no ``</script>`` can close it) and read with ``JSON.parse``, never built as code.
The page needs no network: inline CSS and JS, system fonts, no CDN.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..themes.profile import names_of
from .finalise import stale_destinations
from .unknown import report_rows

ENTITY_TYPES = {"REGION": ("region", "REGION"), "ORGANISATION": ("organisation", "ORG"),
                "DOELGROEP": ("doelgroep", "DOELGROEP")}
REGION_LEVELS = (("arbeidsmarktregios", "arbeidsmarktregio's"), ("provincies", "provincies"),
                 ("gemeenten", "gemeenten"), ("landen", "landen"), ("plaatsen", "plaatsen"),
                 ("onzeker", "onzeker (uncertain)"))
FILTER_REGION_LEVELS = ("arbeidsmarktregios", "provincies", "gemeenten")
STATUSES = ("processed", "skipped", "failed")
FIGURE_TITLES = {"intertopic_distance_map": "Intertopic distance map",
                 "barchart": "Top terms per theme", "hierarchy": "Theme hierarchy"}
TOP_TERMS = 10
TOP_THEMES = 3
REPORT_TITLE = "rodedraden report"
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def build_report(records: Sequence[Mapping[str, Any]], theme_data: Mapping[str, Any] | None,
                 manifest_rows: Iterable[Mapping[str, Any]] | None,
                 figures: Mapping[str, Any] | None, names: Mapping[str, str] | None,
                 max_documents: int, unknown_names: Sequence[Any] | None = None) -> str:
    """The whole report as one HTML string.

    ``figures``: None, ``{name: plotly figure JSON}`` or the themes stage's
    ``{"figures": {...}, "not_made": {name: reason}}``. ``names``: canonical id -> display
    name. ``max_documents``: documents shown with their full text (the first in corpus order).
    ``unknown_names``: ``entities_summary.json`` → ``unknown_names`` (names in no list).
    """
    records = [r for r in records if isinstance(r, Mapping)]
    theme_data = theme_data or {}
    # display names: the canonical ``names`` over the names the records carry
    lookup = {**names_of(records), **{str(k): str(v) for k, v in (names or {}).items() if v}}
    theme_list = [t for t in theme_data.get("themes") or [] if isinstance(t, Mapping)]
    labels = {_key(t.get("id")): display_label(t) for t in theme_list}
    titles = {str(r.get("id")): _title(r) for r in records}
    nodes = {_key(n.get("id")): n for n in theme_data.get("hierarchy") or []
             if isinstance(n, Mapping)}
    figure_views, not_made = _figures(figures)
    limit = max(0, int(max_documents or 0))
    documents = [_document(r, i, i < limit, labels, lookup) for i, r in enumerate(records)]
    outliers = theme_data.get("outliers") if isinstance(theme_data.get("outliers"), Mapping) \
        else {}
    context = {
        "title": REPORT_TITLE,
        "summary": _summary(records, list(manifest_rows or []), lookup),
        "themes": [_theme(t, titles, nodes, lookup) for t in theme_list],
        "rode_draden": sum(bool(t.get("rode_draad")) for t in theme_list),
        "outliers": {"units": outliers.get("units"),
                     "documents": len(outliers.get("documents") or [])},
        "figures": figure_views, "figures_given": figures is not None,
        "not_made": sorted((str(k), str(v)) for k, v in not_made.items()),
        "plotly_js": _plotly_js() if figure_views else None,
        "tables": _tables(records, lookup, labels),
        "documents": documents,
        "full_text": sum(d["full"] for d in documents), "limit": limit,
        "left_out": sum(not d["full"] for d in documents),
        "filter_json": script_json(_filter_data(records, lookup, labels)),
        "provenance": _provenance(records),
        "curation_notes": _curation_notes(theme_data),
        "unknown": report_rows(unknown_names),
    }
    return _environment().get_template("report.html.j2").render(**context)


def script_json(value: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/json">``: no ``</script>``, no
    ``<!--``; ``JSON.parse`` reads the escapes back as the original characters."""
    return Markup(json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
                  .translate(_JSON_ESCAPES))


def display_label(theme: Mapping[str, Any]) -> str:
    """The curated label when a curator or the catalogue gave one, else the automatic one."""
    for key in ("curated_label", "label"):
        if isinstance(theme.get(key), str) and theme[key].strip():
            return theme[key]
    return f"theme {theme.get('id')}"


def highlight(text: str, entities: Iterable[Mapping[str, Any]],
              names: Mapping[str, str]) -> Markup:
    """``text`` as HTML with each entity in a ``<mark>`` (displaCy-style): every segment is
    escaped on its own. Mentions inside an organisation name, and any span with bad offsets
    or overlapping an earlier one, are left unmarked."""
    spans = [e for e in entities if isinstance(e, Mapping) and not e.get("inside_organisation")
             and _offset(e.get("start")) is not None and _offset(e.get("end")) is not None]
    spans.sort(key=lambda e: (e["start"], -e["end"]))
    parts: list[Markup] = []
    cursor = 0
    for entity in spans:
        start, end = entity["start"], entity["end"]
        if start < cursor or end > len(text) or start >= end:
            continue
        css, label = ENTITY_TYPES.get(str(entity.get("type")), ("other", "ENTITY"))
        parts.append(escape(text[cursor:start]))
        parts.append(Markup('<mark class="ent ent-{}" data-label="{}" data-id="{}" title="{}">'
                            '{}</mark>').format(css, label, entity.get("id") or "",
                                                _tooltip(entity, names), text[start:end]))
        cursor = end
    parts.append(escape(text[cursor:]))
    return Markup("").join(parts)


def _tooltip(entity: Mapping[str, Any], names: Mapping[str, str]) -> str:
    ident = str(entity.get("id") or "")
    name = names.get(ident) or entity.get("name") or entity.get("text") or ""
    details = [str(entity[k]) for k in ("kind", "sector") if entity.get(k)]
    if entity.get("generic"):
        details.append("generic")
    return " · ".join([f"{name} ({ident})" if ident else str(name), *details])


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("pipeline.export", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _plotly_js() -> Markup:
    from plotly.offline import get_plotlyjs

    # plotly.js is trusted code; "</script" can only sit in its strings, where "<\/" is equal
    return Markup(get_plotlyjs().replace("</script", "<\\/script"))


def _figures(figures: Mapping[str, Any] | None
             ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if not isinstance(figures, Mapping):
        return [], {}
    made: Mapping[str, Any] = figures
    not_made: dict[str, Any] = {}
    if isinstance(figures.get("figures"), Mapping):
        made = figures["figures"]
        not_made = dict(figures.get("not_made") or {})
    views = []
    for name, figure in made.items():
        try:
            data = json.loads(figure) if isinstance(figure, str | bytes) else figure
            embedded = script_json(data) if isinstance(data, Mapping) else None
        except (TypeError, ValueError):  # not JSON, or NaN that JSON.parse would refuse
            embedded = None
        if embedded is None:
            not_made[name] = "the figure's JSON could not be read"
            continue
        views.append({"id": f"figure-{len(views)}", "name": str(name),
                      "title": FIGURE_TITLES.get(name, str(name).replace("_", " ").capitalize()),
                      "json": embedded})
    return views, not_made


def _summary(records: Sequence[Mapping[str, Any]], manifest: list[Mapping[str, Any]],
             lookup: Mapping[str, str]) -> dict[str, Any]:
    status = Counter(str(row.get("status") or "unknown") for row in manifest)
    formats: dict[str, Counter[str]] = {}
    for row in manifest:
        formats.setdefault(str(row.get("format") or "?"), Counter())[
            str(row.get("status") or "unknown")] += 1
    levels = []
    for key, label in REGION_LEVELS:
        per_doc = [set(_regions(r).get(key) or []) for r in records]
        levels.append({"label": label, "distinct": len(set().union(*per_doc)),
                       "documents": sum(bool(ids) for ids in per_doc)})
    groups = Counter(g for r in records for g in set(r.get("doelgroepen") or []))
    return {
        "documents": len(records),
        "words": sum(_metadata(r).get("n_words") or 0 for r in records
                     if isinstance(_metadata(r).get("n_words"), int)),
        "pps": sum(bool(r.get("pps")) for r in records),
        "statuses": [(s, status.get(s, 0)) for s in STATUSES]
        + sorted((s, n) for s, n in status.items() if s not in STATUSES),
        "formats": [{"format": f, "counts": [c.get(s, 0) for s in STATUSES],
                     "total": sum(c.values())} for f, c in sorted(formats.items())],
        "problems": [{"source": row.get("source") or row.get("id") or "?",
                      "record": row.get("record"), "status": row.get("status") or "unknown",
                      "reason": row.get("reason") or "", "duplicate_of": row.get("duplicate_of")}
                     for row in manifest if row.get("status") != "processed"],
        "levels": levels,
        "groups": [(lookup.get(g, g), g, n) for g, n in _ranked(groups, lookup)],
    }


def _tables(records: Sequence[Mapping[str, Any]], lookup: Mapping[str, str],
            labels: Mapping[str, str]) -> list[dict[str, Any]]:
    def table(title: str, param: str, ids_of: Any) -> dict[str, Any]:
        docs: Counter[str] = Counter()
        themes: dict[str, Counter[str]] = {}
        for record in records:
            for ident in set(ids_of(record)):
                docs[ident] += 1
                themes.setdefault(ident, Counter()).update(
                    {_key(t.get("theme")) for t in record.get("themes") or []
                     if isinstance(t, Mapping)} - {"None"})
        most = max(docs.values(), default=1)
        rows = [{"id": ident, "name": lookup.get(ident, ident), "documents": n,
                 "share": n / len(records) if records else 0.0, "bar": n / most,
                 "themes": [(labels.get(t, f"theme {t}"), c) for t, c in
                            sorted(themes[ident].items(), key=lambda i: (-i[1], i[0]))
                            [:TOP_THEMES]]} for ident, n in _ranked(docs, lookup)]
        return {"title": title, "param": param, "rows": rows}

    return [table("Arbeidsmarktregio's", "regio",
                  lambda r: _regions(r).get("arbeidsmarktregios") or []),
            table("Provincies", "regio", lambda r: _regions(r).get("provincies") or []),
            table("Doelgroepen (target groups)", "doelgroep",
                  lambda r: r.get("doelgroepen") or [])]


def _theme(theme: Mapping[str, Any], titles: Mapping[str, str],
           nodes: Mapping[str, Mapping[str, Any]], lookup: Mapping[str, str]) -> dict[str, Any]:
    size = theme.get("size") if isinstance(theme.get("size"), Mapping) else {}
    share = theme.get("share") if isinstance(theme.get("share"), Mapping) else {}
    spread = theme.get("spread") if isinstance(theme.get("spread"), Mapping) else {}
    profile = theme.get("profile") if isinstance(theme.get("profile"), Mapping) else None
    parent = theme.get("parent")
    node = nodes.get(_key(parent)) if parent is not None else None
    return {
        "id": theme.get("id"), "label": display_label(theme),
        "auto_label": theme.get("label") or "",
        "curated": bool(theme.get("curated_label")),
        "terms": [(t.get("term"), t.get("weight")) for t in (theme.get("terms") or [])[:TOP_TERMS]
                  if isinstance(t, Mapping) and t.get("term")],
        "units": size.get("units"), "documents": size.get("documents"),
        "share_units": share.get("units"), "share_words": share.get("words"),
        "rode_draad": bool(theme.get("rode_draad")),
        "spread": [(label, spread.get(key)) for key, label in
                   (("documents", "documents"), ("arbeidsmarktregios", "arbeidsmarktregio's"),
                    ("provincies", "provincies"), ("gemeenten", "gemeenten"))],
        "passages": [{"doc_id": str(p.get("doc_id")), "excerpt": p.get("excerpt") or "",
                      "title": titles.get(str(p.get("doc_id")), str(p.get("doc_id"))),
                      "linked": str(p.get("doc_id")) in titles,
                      "similarity": p.get("similarity")}
                     for p in theme.get("passages") or [] if isinstance(p, Mapping)],
        "parent": None if parent is None else
        {"id": str(parent), "label": (node or {}).get("label") or "",
         "siblings": [t for t in (node or {}).get("themes") or [] if t != theme.get("id")]},
        "profile": None if profile is None else {
            "pps_share": profile.get("pps_share"),
            "lists": [(title, [(lookup.get(str(i.get("id"))) or i.get("name") or i.get("id"),
                                i.get("documents"))
                               for i in items if isinstance(i, Mapping)])
                      for title, items in (
                          ("Doelgroepen", profile.get("doelgroepen") or []),
                          ("Arbeidsmarktregio's", (profile.get("regions") or {})
                           .get("arbeidsmarktregios") or []),
                          ("Organisations", profile.get("organisations") or []))]},
        "curation": theme.get("curation"),
        "merged_from": list(theme.get("merged_from") or []),
        "lineage": str((theme.get("lineage") or {}).get("text") or "")
        if isinstance(theme.get("lineage"), Mapping) else "",
        "review": [str(r) for r in theme.get("review") or []],
    }


def _curation_notes(theme_data: Mapping[str, Any]) -> list[str]:
    """One line per curator's decision whose theme is gone: where its units went."""
    curation = theme_data.get("curation") if isinstance(theme_data.get("curation"),
                                                        Mapping) else {}
    notes = []
    for stale in curation.get("stale_details") or []:
        if not isinstance(stale, Mapping):
            continue
        label = f" \u201c{stale.get('label')}\u201d" if stale.get("label") else ""
        went = stale_destinations(stale, most=10)
        notes.append(f"Decision for theme #{stale.get('theme')}{label} ({stale.get('action')}): "
                     f"that theme no longer exists; its units: {went}.")
    return notes


def _document(record: Mapping[str, Any], index: int, full: bool, labels: Mapping[str, str],
              lookup: Mapping[str, str]) -> dict[str, Any]:
    meta = _metadata(record)
    language = meta.get("language")
    if isinstance(language, Mapping):
        language = language.get("code")
    extra = meta.get("extra") if isinstance(meta.get("extra"), Mapping) else {}
    items = [("file", meta.get("source")), ("format", meta.get("format")),
             ("record", meta.get("record")), ("date", meta.get("date")),
             ("words", meta.get("n_words")), ("language", language)]
    items += [(str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
              for k, v in extra.items()]
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    entities = [e for e in record.get("entities") or [] if isinstance(e, Mapping)]
    counts = Counter(str(e.get("type")) for e in entities if not e.get("inside_organisation"))
    regions = _regions(record)
    main = record.get("main_theme")
    return {
        "id": str(record.get("id")), "index": index + 1, "title": _title(record), "full": full,
        "meta": [(k, str(v)[:300]) for k, v in items if v not in (None, "")],
        "doelgroepen": [(g, lookup.get(g, g)) for g in record.get("doelgroepen") or []],
        "regions": [(r, lookup.get(r, r), label, key) for key, label in REGION_LEVELS[:3]
                    for r in regions.get(key) or []],
        "partners": [{"name": p.get("name") or p.get("id"), "kind": p.get("kind") or "",
                      "sector": p.get("sector") or "onbekend", "generic": bool(p.get("generic"))}
                     for p in record.get("partners") or [] if isinstance(p, Mapping)],
        "pps": bool(record.get("pps")),
        "themes": [{"id": t.get("theme"), "main": t.get("theme") == main,
                    "label": labels.get(_key(t.get("theme"))) or t.get("label")
                    or f"theme {t.get('theme')}",
                    "weight": t.get("weight") if isinstance(t.get("weight"), int | float) else 0}
                   for t in record.get("themes") or [] if isinstance(t, Mapping)],
        "entity_counts": [(ENTITY_TYPES[k][0], ENTITY_TYPES[k][1], counts[k])
                          for k in ENTITY_TYPES if counts.get(k)],
        "text": highlight(text, entities, lookup) if full else None,
    }


def _filter_data(records: Sequence[Mapping[str, Any]], lookup: Mapping[str, str],
                 labels: Mapping[str, str]) -> dict[str, Any]:
    documents, groups, regions, themes = [], Counter(), Counter(), Counter()
    level_of: dict[str, str] = {}
    for record in records:
        region_ids = []
        for level in FILTER_REGION_LEVELS:
            for ident in _regions(record).get(level) or []:
                region_ids.append(str(ident))
                level_of.setdefault(str(ident), level)
        doc_groups = sorted({str(g) for g in record.get("doelgroepen") or []})
        doc_themes = sorted({_key(t.get("theme")) for t in record.get("themes") or []
                             if isinstance(t, Mapping)} - {"None"})
        groups.update(doc_groups)
        regions.update(set(region_ids))
        themes.update(doc_themes)
        documents.append({"id": str(record.get("id")), "doelgroep": doc_groups,
                          "regio": sorted(set(region_ids)), "thema": doc_themes})

    def options(counter: Counter[str], name: Any) -> list[dict[str, Any]]:
        return [{"id": i, "name": name(i), "documents": n, "level": level_of.get(i, "")}
                for i, n in _ranked(counter, lookup)]

    return {"documents": documents,
            "doelgroep": options(groups, lambda i: lookup.get(i, i)),
            "regio": sorted((o for o in options(regions, lambda i: lookup.get(i, i))
                             if o["level"] in ("arbeidsmarktregios", "provincies")),
                            key=lambda o: o["level"] != "arbeidsmarktregios"),
            "thema": sorted(options(themes, lambda i: labels.get(i, f"theme {i}")),
                            key=lambda o: (-o["documents"], o["name"]))}


def _provenance(records: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    found = records[0].get("provenance") if records else None
    if not isinstance(found, Mapping):
        return []
    return [(key, str(found[key])) for key in ("rodedraden", "spacy_pipeline",
                                                "config_hash", "embed_backend") if found.get(key)]


def _ranked(counter: Counter[str], lookup: Mapping[str, str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda i: (-i[1], lookup.get(i[0], i[0]).lower(), i[0]))


def _title(record: Mapping[str, Any]) -> str:
    meta = _metadata(record)
    return str(meta.get("title") or meta.get("source") or record.get("id") or "untitled")


def _metadata(record: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = record.get("metadata")
    return meta if isinstance(meta, Mapping) else {}


def _regions(record: Mapping[str, Any]) -> Mapping[str, Any]:
    regions = record.get("regions")
    return regions if isinstance(regions, Mapping) else {}


def _key(value: Any) -> str:
    return str(value)


def _offset(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        else None
