"""The export stage on real runs of the bundled corpus: JSON against the schemas, the theme
tables, the SQLite database, the curation round trip and stable theme ids."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook

from pipeline.config import validate
from pipeline.export.safety import safe_cell
from pipeline.export.spreadsheets import csv_text, workbook_bytes
from pipeline.export.stage import load_schema
from pipeline.export.tables import Table
from pipeline.runner import Runner
from pipeline.stages import all_stages

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ("41-leeuwarden-leert-van-groningen.md", "37-leerwerkakkoord-twente.md",
            "30-banenmarkt-midden-limburg-roermond.md")
FAST = {"themes": {"metrics": {"stability_seeds": 1}}}


def settings(curation: Path, **extra):
    return validate({**FAST, "export": {"curation_file": str(curation)}, **extra})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The bundled corpus minus three stories (added back in the stability test)."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(ROOT / "corpus", folder, dirs_exist_ok=True)
    held = tmp_path_factory.mktemp("held-out")
    for name in HELD_OUT:
        shutil.move(folder / "verhalen" / name, held / name)
    return folder, held


@pytest.fixture(scope="module")
def first_run(corpus, tmp_path_factory):
    folder, _ = corpus
    out = tmp_path_factory.mktemp("out")
    curation = out / "curation.yaml"
    result = Runner(all_stages(), settings(curation), folder, out).run()
    return result, out, curation


def test_every_json_output_matches_its_schema(first_run):
    result, _, _ = first_run
    run = result.run_dir
    document_schema = jsonschema.Draft202012Validator(load_schema("document.schema.json"))
    records = [json.loads(line) for line in (run / "documents.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert len(records) >= 35
    for record in records:
        document_schema.validate(record)
        single = json.loads((run / "documents" / f"{record['id']}.json").read_text(
            encoding="utf-8"))
        assert single == record
        for entity in record["entities"]:
            assert record["text"][entity["start"]:entity["end"]] == entity["text"]
    jsonschema.validate(json.loads((run / "themes.json").read_text(encoding="utf-8")),
                        load_schema("themes.schema.json"))
    jsonschema.validate(json.loads((run / "run.json").read_text(encoding="utf-8")),
                        load_schema("run.schema.json"))
    assert (run / "schemas" / "document.schema.json").is_file()


def test_theme_table_workbook_has_the_sheets_curators_need(first_run):
    result, _, _ = first_run
    book = load_workbook(result.run_dir / "themes.xlsx")
    assert book.sheetnames == ["themes", "theme_x_doelgroep", "theme_x_arbeidsmarktregio",
                               "theme_x_organisation_kind", "documents"]
    themes = book["themes"]
    header = [c.value for c in themes[1]]
    assert header[-3:] == ["curated_label", "action", "notes"]
    assert themes.freeze_panes == "A2" and themes.auto_filter.ref.startswith("A1:")
    data = json.loads((result.run_dir / "themes.json").read_text(encoding="utf-8"))
    assert themes.max_row == len(data["themes"]) + 1
    assert book["documents"].max_row == len(result.outputs["ingest"]["corpus.jsonl"]) + 1
    table = (result.run_dir / "tables" / "themes.csv").read_bytes()
    assert table.startswith(b"\xef\xbb\xbf")


def test_formula_injection_is_neutralised_in_xlsx_and_csv():
    payloads = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\tx", "\rx", "gewoon"]
    table = Table("themes", ["text"], [[p] for p in payloads])
    sheet = load_workbook(io.BytesIO(workbook_bytes([table])))["themes"]
    cells = [sheet.cell(row=i + 2, column=1).value for i in range(len(payloads))]
    assert cells == [safe_cell(p) for p in payloads]
    assert all(c.startswith("'") for c in cells[:-1]) and cells[-1] == "gewoon"
    rows = list(csv.reader(io.StringIO(csv_text(table, ";").lstrip("\ufeff")), delimiter=";"))
    assert [r[0] for r in rows[1:]][:4] == ["'=HYPERLINK(\"http://x\",\"y\")", "'+1+1", "'-2",
                                            "'@SUM(A1)"]


def test_workbook_bytes_carry_no_save_time():
    import zipfile

    table = Table("themes", ["id", "label"], [[1, "jongeren"], [2, "statushouders"]])
    data = workbook_bytes([table])
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    properties = archive.read("docProps/core.xml").decode()
    stamps = re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z", properties)
    assert len(stamps) == 2 and set(stamps) == {"1980-01-01T00:00:00Z"}   # created, modified
    assert load_workbook(io.BytesIO(data))["themes"]["B3"].value == "statushouders"


def test_sqlite_holds_the_same_results_with_integrity(first_run):
    result, _, _ = first_run
    db = sqlite3.connect(result.run_dir / "rodedraden.sqlite")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "paragraphs", "entities", "themes", "document_themes",
            "partners"} <= tables
    records = [json.loads(line) for line in (result.run_dir / "documents.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == len(records)
    assert sum(len(r["entities"]) for r in records) > 0
    assert db.execute("SELECT COUNT(*) FROM entities").fetchone()[0] == sum(
        len(r["entities"]) for r in records)
    groningen = db.execute("SELECT COUNT(DISTINCT document_id) FROM document_regions "
                           "WHERE region_id = 'AM01'").fetchone()[0]
    assert groningen > 0
    assert groningen == sum("AM01" in r["regions"]["arbeidsmarktregios"] for r in records)
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "idx_entities_document" in indexes and "idx_document_themes_theme" in indexes


def _curate(cli, run_dir: Path, curation: Path, label: str) -> int:
    """Label the largest theme in the reviewed workbook; return its id."""
    book = load_workbook(run_dir / "themes.xlsx")
    sheet = book["themes"]
    header = [c.value for c in sheet[1]]
    column = {name: header.index(name) + 1 for name in header}
    largest = max(range(2, sheet.max_row + 1),
                  key=lambda r: sheet.cell(row=r, column=column["documents"]).value)
    theme_id = sheet.cell(row=largest, column=column["theme_id"]).value
    sheet.cell(row=largest, column=column["curated_label"]).value = label
    sheet.cell(row=largest, column=column["action"]).value = "rename"
    reviewed = run_dir.parent.parent / "reviewed.xlsx"
    book.save(reviewed)
    result = cli("curate", "apply", str(reviewed), "--curation", str(curation))
    assert result.exit_code == 0, result.output
    return theme_id


def test_curated_label_survives_adding_three_documents(first_run, corpus, cli):
    result, out, curation = first_run
    folder, held = corpus
    label = "Gecureerd: grootste thema"
    theme_id = _curate(cli, result.run_dir, curation, label)
    before = json.loads((result.run_dir / "themes.json").read_text(encoding="utf-8"))
    docs_before = set(next(t for t in before["themes"] if t["id"] == theme_id)["documents"])

    for name in HELD_OUT:
        shutil.copy(held / name, folder / "verhalen" / name)
    second = Runner(all_stages(), settings(curation), folder, out).run()
    after = json.loads((second.run_dir / "themes.json").read_text(encoding="utf-8"))
    labelled = [t for t in after["themes"] if t.get("curated_label") == label]
    assert [t["id"] for t in labelled] == [theme_id]
    docs_after = set(labelled[0]["documents"])
    assert len(docs_before & docs_after) / len(docs_before | docs_after) >= 0.6
    records = [json.loads(line) for line in (second.run_dir / "documents.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert any(w["label"] == label for r in records for w in r["themes"])
    assert after["curation"]["applied"] == [theme_id] and after["curation"]["stale"] == []
