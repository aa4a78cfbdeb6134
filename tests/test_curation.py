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
from pipeline.export.identity import match_ids, registry
from pipeline.export.spreadsheets import csv_text, workbook_bytes
from pipeline.export.tables import Table


def theme(tid, terms, units=10, docs=2):
    return {"id": tid, "label": ", ".join(terms[:3]), "curated_label": None,
            "terms": [{"term": t, "weight": 1.0 / (i + 1)} for i, t in enumerate(terms)],
            "size": {"units": units, "documents": docs}}


JOBS = ["uitzendbureaus", "convenant", "matchtafel", "intercedent", "plaatsing"]
YOUTH = ["jongeren", "school", "startkwalificatie", "stage", "mbo"]
REFUGEES = ["statushouders", "taal", "inburgering", "coa", "vluchtelingenwerk"]


def test_matched_themes_keep_their_ids_whatever_the_new_order():
    first = [theme(0, JOBS), theme(1, YOUTH)]
    mapping = match_ids(first, None, 0.5)
    assert mapping == {0: 0, 1: 1}
    previous = registry(first, mapping, None)
    second = [theme(0, YOUTH[:4] + ["werkplek"]), theme(1, REFUGEES), theme(2, JOBS)]
    assert match_ids(second, previous, 0.5) == {0: 1, 2: 0, 1: 2}


def test_vanished_theme_ids_are_never_reused():
    previous = registry([theme(0, JOBS), theme(1, YOUTH)], {0: 0, 1: 1}, None)
    mapping = match_ids([theme(0, JOBS)], previous, 0.5)
    later = registry([theme(0, JOBS)], mapping, previous)
    assert later["next_id"] == 2
    assert match_ids([theme(0, JOBS), theme(1, REFUGEES)], later, 0.5) == {0: 0, 1: 2}


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
    assert read_review(path) == {
        0: {"label": "Samenwerking met uitzendbureaus", "action": "rename", "notes": None},
        1: {"label": None, "action": "merge:0", "notes": "hoort bij thema 0"}}


def test_reviewed_csv_with_semicolons_and_neutralised_cells(tmp_path):
    text = csv_text(review_table([[3, "x", "", "-Regie", "rename", ""],
                                  [4, "y", "", "", "delete", ""],
                                  [5, "z", "", "'s-Hertogenbosch werkt", "rename", ""]]), ";")
    path = tmp_path / "themes.csv"
    path.write_text(text, encoding="utf-8")
    assert "'-Regie" in text
    assert read_review(path) == {
        3: {"label": "-Regie", "action": "rename", "notes": None},
        4: {"label": None, "action": "delete", "notes": None},
        # a name that starts with an apostrophe keeps it: only the neutralising one goes
        5: {"label": "'s-Hertogenbosch werkt", "action": "rename", "notes": None}}


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
    assert report == {"applied": [0, 1, 2, 3], "stale": [9], "merged": [1, 3], "deleted": [2]}


def test_merge_cycle_is_a_config_error():
    themes = [theme(0, JOBS), theme(1, YOUTH)]
    with pytest.raises(ConfigError, match="cycle"):
        apply_curation(themes, [], {0: {"action": "merge:1"}, 1: {"action": "merge:0"}})
