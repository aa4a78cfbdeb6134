"""The curators' feedback loop as plain functions: stable ids, reading reviewed tables,
the decisions file, and applying decisions to themes and document weights."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from pipeline.errors import ConfigError, UsageError
from pipeline.export.curation import (
    apply_curation,
    curation_text,
    load_curation,
    merge_decisions,
    read_review,
)
from pipeline.export.identity import match_themes, registry
from pipeline.export.spreadsheets import csv_text, workbook_bytes
from pipeline.export.tables import Table


def theme(tid, terms, units=10, docs=2):
    return {"id": tid, "label": ", ".join(terms[:3]), "curated_label": None,
            "terms": [{"term": t, "weight": 1.0 / (i + 1)} for i, t in enumerate(terms)],
            "size": {"units": units, "documents": docs}}


JOBS = ["uitzendbureaus", "convenant", "matchtafel", "intercedent", "plaatsing"]
YOUTH = ["jongeren", "school", "startkwalificatie", "stage", "mbo"]
REFUGEES = ["statushouders", "taal", "inburgering", "coa", "vluchtelingenwerk"]


def ids(mapping_or_matching):
    return getattr(mapping_or_matching, "mapping", mapping_or_matching)


def units(doc, n, start=0):
    return [f"{doc}#{i}" for i in range(start, start + n)]


def test_matched_themes_keep_their_ids_whatever_the_new_order():
    first = [theme(0, JOBS), theme(1, YOUTH)]
    members = {0: units("a", 6), 1: units("b", 6)}
    matching = match_themes(first, members, None)
    assert matching.mapping == {0: 0, 1: 1}
    assert {r["text"] for r in matching.lineage.values()} == {"new"}
    previous = registry(first, members, matching.mapping, None)
    # new order, a new theme in between, a new story's units in theme 0
    second = [theme(0, YOUTH[:4] + ["werkplek"]), theme(1, REFUGEES), theme(2, JOBS)]
    now = {0: units("b", 6) + units("new", 2), 1: units("c", 5), 2: units("a", 6)}
    matching = match_themes(second, now, previous)
    assert matching.mapping == {0: 1, 2: 0, 1: 2}
    assert matching.lineage[1]["overlap"] == 1.0        # new units do not lower the overlap
    assert matching.lineage[1]["text"] == "continues T1 (1.00)"
    assert matching.lineage[2]["text"] == "new"


def test_membership_decides_where_terms_disagree():
    """Another machine gives the same members other top terms: the members win."""
    first = [theme(0, JOBS), theme(1, YOUTH)]
    members = {0: units("a", 8), 1: units("b", 8)}
    previous = registry(first, members, {0: 0, 1: 1}, None)
    swapped = [theme(0, YOUTH), theme(1, JOBS)]   # terms say 0 -> 1, members say 0 -> 0
    matching = match_themes(swapped, {0: units("a", 8), 1: units("b", 8)}, previous)
    assert matching.mapping == {0: 0, 1: 1}
    # with no shared units (all stories replaced), terms are all there is
    matching = match_themes(swapped, {0: units("x", 8), 1: units("y", 8)}, previous)
    assert matching.mapping == {0: 1, 1: 0}
    assert matching.lineage[1]["overlap"] is None


def test_splits_merges_and_ended_themes_are_recorded():
    old = [theme(0, JOBS), theme(1, YOUTH), theme(2, REFUGEES)]
    members = {0: units("a", 10), 1: units("b", 5), 2: units("c", 5)}
    previous = registry(old, members, {0: 0, 1: 1, 2: 2}, None)
    # theme 0 splits 6/4; themes 1 and 2 merge into one
    now = [theme(0, JOBS), theme(1, JOBS[:2]), theme(2, YOUTH + REFUGEES)]
    matching = match_themes(now, {0: units("a", 6), 1: units("a", 4, 6),
                                  2: units("b", 5) + units("c", 5)}, previous)
    assert matching.mapping[0] == 0                       # the larger part keeps the id
    part = matching.mapping[1]
    assert part == 3 and matching.lineage[3]["split_from"] == [0]
    assert matching.lineage[3]["text"] == "split from T0"
    assert matching.lineage[0]["previous_split"] is True
    assert matching.summary["splits"] == [{"theme": 0, "into": [
        {"theme": 0, "share": 0.6}, {"theme": 3, "share": 0.4}]}]
    merged = matching.mapping[2]
    assert merged in (1, 2) and matching.lineage[merged]["merged_with"] == [3 - merged]
    ended = matching.summary["ended"]
    assert [e["id"] for e in ended] == [3 - merged]
    assert ended[0]["went_to"] == [{"theme": merged, "share": 1.0}]


def test_curated_snapshot_finds_its_theme_without_a_previous_run():
    """A fresh outputs folder: the curated units, not the numbering, place the label."""
    now = [theme(0, YOUTH), theme(1, JOBS)]
    matching = match_themes(now, {0: units("b", 6), 1: units("a", 6)}, None,
                            snapshots={7: units("a", 5)})
    assert matching.mapping[1] == 7
    assert "found by the curated units" in matching.lineage[7]["text"]
    assert matching.mapping[0] == 8                        # after every id in use


def test_vanished_theme_ids_are_never_reused():
    members = {0: units("a", 4), 1: units("b", 4)}
    previous = registry([theme(0, JOBS), theme(1, YOUTH)], members, {0: 0, 1: 1}, None)
    matching = match_themes([theme(0, JOBS)], {0: units("a", 4)}, previous)
    later = registry([theme(0, JOBS)], {0: units("a", 4)}, matching.mapping, previous)
    assert later["next_id"] == 2
    again = match_themes([theme(0, JOBS), theme(1, REFUGEES)],
                         {0: units("a", 4), 1: units("z", 4)}, later)
    assert again.mapping == {0: 0, 1: 2}


def review_table(rows):
    header = ["theme_id", "label", "current_curated_label", "curated_label", "action", "notes"]
    return Table("themes", header, rows, review=("curated_label", "action", "notes"))


def test_reviewed_workbook_round_trips_into_decisions(tmp_path):
    data = workbook_bytes([review_table([[0, "a", "", "", "", ""], [1, "b", "", "", "", ""],
                                         [2, "c", "", "", "", ""]])])
    book = load_workbook(io.BytesIO(data))
    sheet = book["themes"]
    sheet["D2"], sheet["E2"] = "Samenwerking met uitzendbureaus", "rename"
    sheet["E3"], sheet["F3"] = "merge:0", "hoort bij thema 0"
    path = tmp_path / "themes.xlsx"
    book.save(path)
    assert read_review(path) == ({
        0: {"label": "Samenwerking met uitzendbureaus", "action": "rename", "notes": None},
        1: {"label": None, "action": "merge:0", "notes": "hoort bij thema 0"}}, None)


def test_reviewed_csv_with_semicolons_and_neutralised_cells(tmp_path):
    text = csv_text(review_table([[3, "x", "", "-Regie", "rename", ""],
                                  [4, "y", "", "", "delete", ""],
                                  [5, "z", "", "'s-Hertogenbosch werkt", "rename", ""]]), ";")
    path = tmp_path / "themes.csv"
    path.write_text(text, encoding="utf-8")
    assert "'-Regie" in text
    assert read_review(path) == ({
        3: {"label": "-Regie", "action": "rename", "notes": None},
        4: {"label": None, "action": "delete", "notes": None},
        # a name that starts with an apostrophe keeps it: only the neutralising one goes
        5: {"label": "'s-Hertogenbosch werkt", "action": "rename", "notes": None}}, None)


def test_bad_actions_are_reported_with_their_rows(tmp_path):
    path = tmp_path / "themes.csv"
    path.write_text("theme_id,curated_label,action\n0,,rename\n1,X,verwijderen\n",
                    encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_review(path)
    assert "row 2: rename without a curated_label" in caught.value.message
    assert "row 3: unknown action 'verwijderen'" in caught.value.message


def test_decisions_file_merges_and_round_trips(tmp_path):
    path = tmp_path / "curation.yaml"
    path.write_text(curation_text({5: {"label": "Oud", "action": "rename", "notes": None}}),
                    encoding="utf-8")
    merged = merge_decisions(path, {6: {"label": None, "action": "delete", "notes": "leeg"}})
    path.write_text(curation_text(merged), encoding="utf-8")
    assert load_curation(path) == {
        5: {"label": "Oud", "action": "rename", "notes": None},
        6: {"label": None, "action": "delete", "notes": "leeg"}}
    assert path.read_text(encoding="utf-8").startswith("# Curators' decisions")


def rows():
    return [{"id": "a", "themes": [{"theme": 0, "label": "x", "weight": 0.5},
                                   {"theme": 1, "label": "y", "weight": 0.3},
                                   {"theme": 2, "label": "z", "weight": 0.2}]},
            {"id": "b", "themes": [{"theme": 2, "label": "z", "weight": 1.0}]}]


def test_rename_merge_chain_delete_and_stale_decisions():
    themes = [theme(0, JOBS, 10, 1), theme(1, YOUTH, 5, 1), theme(2, REFUGEES, 4, 2),
              theme(3, ["rest"], 1, 0)]
    decisions = {0: {"label": "Uitzendbureaus", "action": "rename"},
                 1: {"label": None, "action": "merge:3"}, 3: {"action": "merge:0"},
                 2: {"action": "delete"}, 9: {"label": "Weg", "action": "rename"}}
    kept, docs, report = apply_curation(themes, rows(), decisions)
    assert [(t["id"], t["curated_label"], t["size"]["units"], t["merged_from"]) for t in kept] \
        == [(0, "Uitzendbureaus", 16, [1, 3])]
    assert docs[0]["themes"] == [{"theme": 0, "label": "Uitzendbureaus", "weight": 0.8}]
    assert docs[0]["main_theme"] == 0
    assert docs[1]["themes"] == [] and docs[1]["main_theme"] is None
    assert report == {"applied": [0, 1, 2, 3], "stale": [9], "settled": [], "merged": [1, 3],
                      "deleted": [2]}


def test_a_merge_the_clustering_has_done_is_settled_not_stale():
    themes = [theme(0, JOBS, 10, 1)]
    decisions = {4: {"label": None, "action": "merge:0"}, 0: {"label": "Werk", "action": "rename"}}
    _, _, report = apply_curation(themes, rows(), decisions)
    assert report["settled"] == [4] and report["stale"] == []


def test_decisions_keep_the_units_they_were_reviewed_with(tmp_path):
    path = tmp_path / "curation.yaml"
    decision = {"label": "Jongeren", "action": "rename", "notes": None,
                "units": ["doc-b#1", "doc-a#0"]}
    path.write_text(curation_text({2: decision}), encoding="utf-8")
    assert load_curation(path) == {2: {**decision, "units": ["doc-a#0", "doc-b#1"]}}
    path.write_text("themes:\n  2: {label: X, units: [1, 2]}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="units must be a list of unit ids"):
        load_curation(path)


def test_merge_cycle_is_a_config_error():
    themes = [theme(0, JOBS), theme(1, YOUTH)]
    with pytest.raises(ConfigError, match="cycle"):
        apply_curation(themes, [], {0: {"action": "merge:1"}, 1: {"action": "merge:0"}})
