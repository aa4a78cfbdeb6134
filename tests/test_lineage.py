"""Stable ids, lineage and curated labels through :func:`finalise`: what a curator is told
when themes move, split, merge or vanish. Built on small hand-made theme outputs, so every
case is exact on any machine."""

from __future__ import annotations

from types import SimpleNamespace

from pipeline.export.finalise import finalise

SETTINGS = SimpleNamespace(theme_match_threshold=0.3, theme_match_term_weight=0.2,
                           theme_split_share=0.25, curation_review_overlap=0.6)


def outputs(themes: dict[int, list[str]], terms: dict[int, list[str]] | None = None) -> dict:
    """Raw theme outputs for ``{raw id: unit ids}``; unit ids are 'doc#i'."""
    records = []
    for tid, members in themes.items():
        words = (terms or {}).get(tid, [f"term{tid}"])
        records.append({"id": tid, "label": ", ".join(words), "curated_label": None,
                        "terms": [{"term": w, "weight": 1.0} for w in words],
                        "size": {"units": len(members),
                                 "documents": len({u.split("#")[0] for u in members})},
                        "documents": sorted({u.split("#")[0] for u in members})})
    docs = sorted({u.split("#")[0] for members in themes.values() for u in members})
    rows = [{"id": d, "main_theme": None, "themes": [
        {"theme": tid, "label": "x", "weight": 1.0} for tid, members in themes.items()
        if any(u.split("#")[0] == d for u in members)][:1]} for d in docs]
    units = [{"id": u, "doc_id": u.split("#")[0], "theme": tid}
             for tid, members in themes.items() for u in members]
    return {"themes.json": {"themes": records, "hierarchy": [],
                            "outliers": {"units": 0, "documents": []}},
            "document_themes.jsonl": rows, "theme_units.jsonl": units}


def members(doc: str, n: int) -> list[str]:
    return [f"{doc}#{i}" for i in range(n)]


def test_a_curated_theme_that_vanished_is_reported_with_where_its_units_went():
    spread = members("a", 2) + members("b", 2) + members("c", 2)
    first, _ = finalise(outputs({0: spread, 1: members("d", 6), 2: members("e", 6),
                                 3: members("f", 6)}), None, {}, SETTINGS)
    registry = first["theme_registry.json"]
    decisions = {0: {"label": "Jongeren", "action": "rename", "units": spread}}
    # next run: theme 0's units went one story each into three other themes
    second, _ = finalise(outputs({0: members("d", 6) + members("a", 2),
                                  1: members("e", 6) + members("b", 2),
                                  2: members("f", 6) + members("c", 2)}),
                         registry, decisions, SETTINGS)
    data = second["themes.json"]
    assert data["curation"]["stale"] == [0]
    stale, = data["curation"]["stale_details"]
    assert stale["label"] == "Jongeren"
    assert sorted(w["theme"] for w in stale["went_to"]) == [1, 2, 3]
    assert [w["share"] for w in stale["went_to"]] == [0.333] * 3
    assert stale["share_no_longer_in_corpus"] == 0.0
    assert all(t.get("curated_label") != "Jongeren" for t in data["themes"])
    ended, = data["lineage"]["ended"]
    assert ended["id"] == 0 and len(ended["went_to"]) == 3
    # the report tells it too
    from pipeline.export.report import build_report

    html = build_report([], data, [], None, {}, 0)
    assert "Jongeren" in html and "that theme no longer exists" in html


def test_a_label_on_a_theme_that_drifted_is_flagged_for_review():
    registry = finalise(outputs({0: members("a", 6), 1: members("b", 6)}), None, {},
                        SETTINGS)[0]["theme_registry.json"]
    decisions = {0: {"label": "Statushouders", "action": "rename",
                     "units": members("a", 6) + members("e", 2) + members("f", 2)}}
    # the theme keeps stories a (so it continues T0), but e and f went elsewhere
    second, _ = finalise(outputs({0: members("a", 6), 1: members("b", 6) + members("e", 2)
                                  + members("f", 2)}), registry, decisions, SETTINGS)
    data = second["themes.json"]
    labelled = next(t for t in data["themes"] if t["curated_label"] == "Statushouders")
    assert labelled["id"] == 0 and labelled["review"]
    assert "shares 0.33 of its documents" in labelled["review"][0]
    assert data["curation"]["review"][0]["theme"] == 0


def test_the_label_of_a_split_theme_stays_on_its_larger_part_flagged():
    registry = finalise(outputs({0: members("a", 6) + members("b", 4), 1: members("c", 5)}),
                        None, {}, SETTINGS)[0]["theme_registry.json"]
    decisions = {0: {"label": "Werkgevers", "action": "rename",
                     "units": members("a", 6) + members("b", 4)}}
    second, _ = finalise(outputs({0: members("b", 4), 1: members("c", 5), 2: members("a", 6)}),
                         registry, decisions, SETTINGS)
    data = second["themes.json"]
    labelled = next(t for t in data["themes"] if t["curated_label"] == "Werkgevers")
    assert labelled["documents"] == ["a"]                # the part with most of its units
    assert any("split" in reason for reason in labelled["review"])
    other = next(t for t in data["themes"] if t["documents"] == ["b"])
    assert other["lineage"]["text"] == "split from T0" and other["curated_label"] is None
    assert data["lineage"]["splits"][0]["theme"] == 0


def test_no_curated_label_is_ever_dropped_without_a_report():
    """Whatever the next clustering does, each decision is applied, settled or stale with
    details; each applied label is on exactly one theme."""
    base = {0: members("a", 3) + members("b", 3), 1: members("c", 3) + members("d", 3),
            2: members("e", 3) + members("f", 3)}
    registry = finalise(outputs(base), None, {}, SETTINGS)[0]["theme_registry.json"]
    decisions = {tid: {"label": f"L{tid}", "action": "rename", "units": units}
                 for tid, units in base.items()}
    shuffles = [{0: members("a", 3) + members("c", 3), 1: members("b", 3) + members("e", 3),
                 2: members("d", 3) + members("f", 3)},
                {0: members("a", 3) + members("b", 3) + members("c", 3) + members("d", 3),
                 1: members("e", 3)},
                {0: members("z", 5)}]
    for shuffle in shuffles:
        data = finalise(outputs(shuffle), registry, decisions, SETTINGS)[0]["themes.json"]
        report = data["curation"]
        stale = {s["theme"] for s in report["stale_details"]}
        for tid in decisions:
            carrying = [t for t in data["themes"] if t["curated_label"] == f"L{tid}"]
            assert len(carrying) == 1 or (not carrying and tid in stale), (shuffle, tid)
        assert set(report["applied"]) | set(report["stale"]) == set(decisions)


def test_a_deleted_theme_in_a_split_is_shown_as_no_theme():
    registry = finalise(outputs({0: members("a", 6) + members("b", 4), 1: members("c", 5)}),
                        None, {}, SETTINGS)[0]["theme_registry.json"]
    # T0 splits; the curator deletes the part that continues it
    second, final = finalise(outputs({0: members("a", 6), 1: members("c", 5),
                                      2: members("b", 4)}),
                             registry, {0: {"label": None, "action": "delete"}}, SETTINGS)
    data = second["themes.json"]
    split, = data["lineage"]["splits"]
    assert sorted(w["theme"] for w in split["into"]) == [-1, 2]
    assert 0 not in {t["id"] for t in data["themes"]} and final[0] is None
    assert {u["theme"] for u in second["theme_units.jsonl"] if u["doc_id"] == "a"} == {-1}
