"""Curators grow the lists: names the detector found that no gazetteer holds, in
entities_summary.json, the workbook's nieuwe_namen sheet, the report, and `rodedraden gazetteer
suggest`, whose block, saved in the gazetteer folder, makes the next run find those names by
the gazetteer."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import invoke_cli, read_jsonl, write
from markupsafe import escape
from openpyxl import load_workbook

from pipeline.cli_gazetteer import suggestion_yaml
from pipeline.entities.unknown import sentence_around, unknown_names
from pipeline.export.report import build_report
from pipeline.export.spreadsheets import workbook_bytes
from pipeline.export.unknown import unknown_names_table

REPO = Path(__file__).resolve().parents[1]
GAZETTEERS = REPO / "configs" / "gazetteers"
FAST = ["--set", "embed.backend=tfidf-svd", "--set", "themes.unit=window",
        "--set", "themes.segment.window_sentences=1", "--set", "themes.segment.window_stride=1",
        "--set", "themes.reduce.method=none", "--set", "themes.cluster.algorithm=kmeans",
        "--set", "themes.cluster.n_clusters=2", "--set", "themes.metrics.stability_seeds=1",
        "--set", "ingest.min_words=0", "--set", "ingest.dedup.near_duplicate_threshold=1.0",
        "--set", "themes.hierarchy=false", "-q"]
STORIES = {
    "bakker.md": """---
title: Een leerplek bij de bakker
---
In Almere begon Sanne vorig jaar als leerling bij Bakkerij Zonneveld. De gemeente Almere en UWV \
zochten samen met werkgevers naar werkplekken voor jongeren zonder startkwalificatie. Bij \
Bakkerij Zonneveld leerde zij brood bakken en klanten helpen in de winkel.

De jobcoach van het werkgeversservicepunt kwam elke week langs. Na een half jaar kreeg Sanne een \
contract voor een jaar. De eigenaar is tevreden en wil volgend jaar opnieuw twee jongeren een \
kans geven.
""",
    "tuin.md": """---
title: Groen werk in Flevoland
---
Statushouders in Lelystad vinden werk bij werkgever Tuincentrum De Wilg uit Lelystad. De \
gemeente Lelystad regelt de taallessen, UWV betaalt een deel van de loonkosten en het \
tuincentrum zorgt voor een vaste begeleider op de werkvloer.

Ahmed werkt nu drie dagen per week tussen de planten. Ook Bakkerij Zonneveld in Almere heeft \
inmiddels een statushouder aangenomen. De samenwerking tussen Tuincentrum De Wilg en de \
gemeente loopt goed, zeggen beide partijen.
""",
    "haven.md": """---
title: Techniek in de haven
---
Jongeren uit Kleinwaterveen leren het vak bij het bedrijf Havenmonteurs Noordkust in Harlingen. \
Het leerwerkbedrijf biedt een opleiding op mbo-niveau en een baangarantie. De gemeente \
Harlingen en het roc betalen samen de opleiding.

Na twee jaar hebben twaalf jongeren een vaste baan. Havenmonteurs Noordkust wil het project \
uitbreiden naar andere gemeenten in Friesland, samen met UWV en de provincie.
""",
}
ORGANISATIONS = {"ORG:bakkerij-zonneveld": "Bakkerij Zonneveld",
                 "ORG:tuincentrum-de-wilg": "Tuincentrum De Wilg",
                 "ORG:havenmonteurs-noordkust": "Havenmonteurs Noordkust"}
PLACE = "PLAATS:kleinwaterveen"
PAYLOAD = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """One run on three stories with the bundled gazetteers: corpus, outputs, run folder."""
    root = tmp_path_factory.mktemp("unknown")
    for name, text in STORIES.items():
        write(root / "corpus" / name, text)
    result = invoke_cli("run", "--corpus", root / "corpus", "--out", root / "out", *FAST,
                        "--set", f"entities.gazetteer_dir={GAZETTEERS}")
    assert result.exit_code == 0, result.output
    return root, root / "out", (root / "out" / "latest").resolve()


def summary_of(run: Path) -> dict:
    return json.loads((run / "entities_summary.json").read_text(encoding="utf-8"))


# -- entities_summary.json -------------------------------------------------------------------


def test_summary_lists_every_detector_name_with_counts_and_examples(first_run):
    _, _, run = first_run
    unknown = summary_of(run)["unknown_names"]
    by_id = {row["id"]: row for row in unknown}
    assert set(ORGANISATIONS) | {PLACE} <= set(by_id)
    # most documents first, then by id; each row exactly the documented fields
    assert [(-r["documents"], r["id"]) for r in unknown] == \
        sorted((-r["documents"], r["id"]) for r in unknown)
    assert unknown[0]["id"] == "ORG:bakkerij-zonneveld"
    zonneveld = by_id["ORG:bakkerij-zonneveld"]
    assert set(zonneveld) == {"id", "name", "type", "documents", "mentions", "confidence",
                              "examples"}
    assert zonneveld["name"] == "Bakkerij Zonneveld" and zonneveld["type"] == "ORGANISATION"
    assert (zonneveld["documents"], zonneveld["mentions"]) == (2, 3)
    # the counts and the highest confidence agree with the documents' mentions
    records = read_jsonl(run / "documents.jsonl")
    found = [(r["id"], m) for r in records for m in r["entities"]
             if m["id"] == "ORG:bakkerij-zonneveld"]
    assert {m["source"] for _, m in found} == {"detector"}
    assert zonneveld["confidence"] == max(m["confidence"] for _, m in found)
    # one example from each of the two documents, the whole sentence around the name
    assert zonneveld["examples"] == [
        {"document": "bakker", "sentence":
         "In Almere begon Sanne vorig jaar als leerling bij Bakkerij Zonneveld."},
        {"document": "tuin", "sentence":
         "Ook Bakkerij Zonneveld in Almere heeft inmiddels een statushouder aangenomen."}]
    # a name in one document gets a second sentence from that document
    wilg = by_id["ORG:tuincentrum-de-wilg"]
    assert [e["document"] for e in wilg["examples"]] == ["tuin", "tuin"]
    assert wilg["examples"][1]["sentence"].startswith("De samenwerking tussen Tuincentrum")
    place = by_id[PLACE]
    assert place["type"] == "REGION" and place["name"] == "Kleinwaterveen"
    for row in unknown:
        assert 1 <= len(row["examples"]) <= 2
        for example in row["examples"]:
            assert row["name"] in example["sentence"] and len(example["sentence"]) <= 210


def test_sentences_are_cut_at_sentence_ends_and_kept_short():
    text = "Eerste zin. Sanne werkt bij Bakkerij Zonneveld B.V in Almere! Derde?\nVierde regel"
    start = text.index("Bakkerij")
    assert sentence_around(text, start, start + 18) == \
        "Sanne werkt bij Bakkerij Zonneveld B.V in Almere!"
    start = text.index("Vierde")
    assert sentence_around(text, start, start + 6) == "Vierde regel"
    long = "woord " * 80 + "bij Bakkerij  Zonneveld\tin " + "veld " * 80 + "einde."
    start = long.index("Bakkerij")
    cut = sentence_around(long, start, start + 19)
    assert len(cut) <= 200 and cut.startswith("… woord") and cut.endswith("veld …")
    assert "bij Bakkerij Zonneveld in" in cut
    # the same records give the same rows; bad offsets give no example
    records = [{"id": "a", "entities": [
        {"type": "ORGANISATION", "source": "detector", "id": "ORG:x", "name": "X",
         "start": 0, "end": 999, "confidence": 0.7}]}]
    assert unknown_names(records, {"a": "X werkt."}) == unknown_names(records, {"a": "X werkt."})
    assert unknown_names(records, {"a": "X werkt."})[0]["examples"] == []


# -- the workbook and the report -------------------------------------------------------------


def test_workbook_sheet_and_csv_list_the_names_for_curators(first_run):
    _, _, run = first_run
    unknown = summary_of(run)["unknown_names"]
    book = load_workbook(run / "themes.xlsx")
    assert book.sheetnames[-2:] == ["nieuwe_namen", "theme_members"]
    sheet = book["nieuwe_namen"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["name", "type", "id", "documents", "mentions", "confidence",
                             "example_document", "example_sentence", "add_to_gazetteer",
                             "kind", "sector", "notes"]
    assert [(r[2], r[3], r[4], r[5]) for r in rows[1:]] == \
        [(u["id"], u["documents"], u["mentions"], u["confidence"]) for u in unknown]
    first = rows[1]
    assert first[:3] == ("Bakkerij Zonneveld", "ORGANISATION", "ORG:bakkerij-zonneveld")
    assert first[6:8] == ("bakker", unknown[0]["examples"][0]["sentence"])
    assert all(cell is None for row in rows[1:] for cell in row[8:])   # for the curator
    assert sheet.freeze_panes == "A2"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists[f"I2:I{len(rows)}"] == '"ja,nee"'
    table = (run / "tables" / "nieuwe_namen.csv").read_text(encoding="utf-8-sig")
    parsed = list(csv.reader(io.StringIO(table)))
    assert parsed[0] == list(rows[0]) and len(parsed) == len(rows)
    assert parsed[1][:3] == ["Bakkerij Zonneveld", "ORGANISATION", "ORG:bakkerij-zonneveld"]


def test_sheet_neutralises_formulas_in_names_and_sentences():
    rows = [{"id": "ORG:x", "name": "=HYPERLINK(\"http://x\")", "type": "ORGANISATION",
             "documents": 1, "mentions": 1, "confidence": 0.8,
             "examples": [{"document": "d", "sentence": "@SUM(A1) bij =X"}]}]
    sheet = load_workbook(io.BytesIO(workbook_bytes([unknown_names_table(rows)])))["nieuwe_namen"]
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\")"
    assert sheet["H2"].value == "'@SUM(A1) bij =X"


def test_report_has_a_section_with_the_top_names(first_run):
    _, _, run = first_run
    page = (run / "report.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="nieuwe-namen">(.*?)</section>', page, re.S).group(1)
    assert "Namen die nog in geen lijst staan" in section
    assert "rodedraden gazetteer suggest" in section and "nieuwe_namen" in section
    for name in ORGANISATIONS.values():
        assert name in section
    assert "In Almere begon Sanne vorig jaar als leerling bij Bakkerij Zonneveld." in section
    assert section.index("Bakkerij Zonneveld") < section.index("Tuincentrum De Wilg")
    assert '<a href="#nieuwe-namen">' in page


def test_report_section_escapes_names_and_keeps_the_top_30():
    rows = [{"id": f"ORG:n{i:02d}", "name": f"Naam {i:02d}", "type": "ORGANISATION",
             "documents": 40 - i, "mentions": 1, "confidence": 0.9,
             "examples": [{"document": "d", "sentence": f"Zin {i:02d}."}]} for i in range(35)]
    rows[0] = {**rows[0], "name": PAYLOAD,
               "examples": [{"document": "d", "sentence": f"bij {PAYLOAD} werkt"}]}
    page = build_report([], {}, [], None, {}, 0, unknown_names=rows)
    assert PAYLOAD not in page and str(escape(PAYLOAD)) in page
    section = re.search(r'<section id="nieuwe-namen">(.*?)</section>', page, re.S).group(1)
    assert "Naam 29" in section and "Naam 30" not in section
    assert "the 30 in the most documents of 35" in section
    empty = build_report([], {}, [], None, {}, 0)
    assert "Every organisation and place found is in a gazetteer list." in empty


# -- rodedraden gazetteer suggest ------------------------------------------------------------


def test_suggest_writes_valid_yaml_in_the_organisaties_schema(first_run, cli):
    _, out, run = first_run
    result = cli("gazetteer", "suggest", "--out", out)
    assert result.exit_code == 0, result.output
    text = result.stdout
    entries = yaml.safe_load(text)
    assert [e["id"] for e in entries] == [u["id"] for u in summary_of(run)["unknown_names"]
                                          if u["type"] == "ORGANISATION"]
    assert set(ORGANISATIONS) <= {e["id"] for e in entries}
    for entry in entries:
        assert entry == {"id": entry["id"], "name": ORGANISATIONS.get(entry["id"], entry["name"]),
                         "kind": "overig", "sector": "onbekend", "aliases": []}
    # a comment line per entry: documents, confidence and an example
    assert '# 2 document(s), 3 mention(s), confidence ' in text
    assert 'bakker: "In Almere begon Sanne vorig jaar als leerling bij Bakkerij Zonneveld."' in text
    # places are comments ready for woonplaatsen.csv, with the municipality code to fill in
    assert "# Kleinwaterveen,GM????,1" in text and "Kleinwaterveen" not in yaml.safe_dump(entries)
    # the same run gives the same block; the run can be named by id or folder
    assert cli("gazetteer", "suggest", "--out", out, "--run", run.name).stdout == text
    assert cli("gazetteer", "suggest", "--run", run).stdout == text


def test_suggest_filters_by_documents_and_confidence(first_run, cli):
    _, out, run = first_run
    unknown = summary_of(run)["unknown_names"]
    two = yaml.safe_load(cli("gazetteer", "suggest", "--out", out,
                             "--min-documents", "2").stdout)
    assert [e["id"] for e in two] == [u["id"] for u in unknown if u["documents"] >= 2
                                      and u["type"] == "ORGANISATION"]
    assert "ORG:bakkerij-zonneveld" in [e["id"] for e in two]
    top = max(u["confidence"] for u in unknown if u["type"] == "ORGANISATION")
    sure = cli("gazetteer", "suggest", "--out", out, "--min-confidence", str(top)).stdout
    assert {e["id"] for e in yaml.safe_load(sure)} == {
        u["id"] for u in unknown if u["type"] == "ORGANISATION" and u["confidence"] >= top}
    assert "Kleinwaterveen" not in sure            # 0.6 < top
    nothing = cli("gazetteer", "suggest", "--out", out, "--min-documents", "99").stdout
    assert yaml.safe_load(nothing) == []             # still a valid (empty) gazetteer file


def test_suggest_leaves_out_names_the_gazetteer_knows(first_run, cli, tmp_path):
    _, out, _ = first_run
    known = tmp_path / "bekend"
    shutil.copytree(GAZETTEERS, known)
    write(known / "organisaties-bekend.yaml",
          "- id: ORG:zonneveld\n  name: Zonneveld\n  kind: werkgever\n  sector: privaat\n"
          "  aliases: [Bakkerij Zonneveld]\n")
    result = cli("gazetteer", "suggest", "--out", out,
                 "--set", f"entities.gazetteer_dir={known}")
    assert result.exit_code == 0, result.output
    ids = [e["id"] for e in yaml.safe_load(result.stdout)]
    assert "ORG:bakkerij-zonneveld" not in ids and "ORG:tuincentrum-de-wilg" in ids


def test_the_next_run_finds_the_suggested_names_by_the_gazetteer(first_run, cli, tmp_path):
    root, out, _ = first_run
    grown = tmp_path / "gazetteers"
    shutil.copytree(GAZETTEERS, grown)
    block = grown / "organisaties-nieuw.yaml"
    result = cli("gazetteer", "suggest", "--out", out, "--file", block)
    assert result.exit_code == 0, result.output
    assert re.search(r"\d+ organisation\(s\) and \d+ place\(s\) written to", result.output)
    # a file that exists (one a curator edited) is not replaced without --force
    again = cli("gazetteer", "suggest", "--out", out, "--file", block)
    assert again.exit_code == 2 and "RD172" in again.output
    suggested = {e["id"] for e in yaml.safe_load(block.read_text(encoding="utf-8"))}
    assert set(ORGANISATIONS) <= suggested
    # another outputs folder, so the first run stays 'latest' for the other tests
    result = cli("run", "--corpus", root / "corpus", "--out", tmp_path / "out", *FAST,
                 "--set", f"entities.gazetteer_dir={grown}")
    assert result.exit_code == 0, result.output
    second = (tmp_path / "out" / "latest").resolve()
    records = read_jsonl(second / "documents.jsonl")
    sources = {(m["id"], m["source"]) for r in records for m in r["entities"]
               if m["id"] in suggested}
    assert {ident for ident, _ in sources} == suggested
    assert {source for _, source in sources} == {"gazetteer"}
    left = {row["id"] for row in summary_of(second)["unknown_names"]}
    assert not left & suggested and PLACE in left   # the place still waits for its code


def test_suggest_block_stays_valid_yaml_for_any_name():
    odd = ['Ja', 'De "Wilg": #1 - tuin', "yes", "- Kweker\x85ij\u2028Zon\x07", "'s Lands Bakkie"]
    rows = [{"id": f"ORG:n{i}", "name": name, "type": "ORGANISATION", "documents": 1,
             "mentions": 1, "confidence": 0.8,
             "examples": [{"document": "d", "sentence": f"bij {name}\r\nen verder\x00"}]}
            for i, name in enumerate(odd)]
    rows.append({**rows[1], "id": "PLAATS:x", "type": "REGION", "name": 'Dorp, "Oost"'})
    text = suggestion_yaml(rows, "run-1", 1, 0.5, "configs/gazetteers")
    assert [e["name"] for e in yaml.safe_load(text)] == odd
    assert '# "Dorp, ""Oost""",GM????,1' in text
    assert suggestion_yaml(rows, "run-1", 1, 0.5, "configs/gazetteers") == text


def test_suggest_errors_name_the_problem(tmp_path, cli):
    missing = cli("gazetteer", "suggest", "--out", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "RD170" in missing.output
    assert "run not found: latest" in missing.output and "hint:" in missing.output
    assert "Traceback" not in missing.output
    bare = tmp_path / "out" / "runs" / "20260101-000000"
    write(bare / "run.json", "{}")
    empty = cli("gazetteer", "suggest", "--out", tmp_path / "out", "--run", "20260101-000000")
    assert empty.exit_code == 2 and "RD171" in empty.output and "no entities" in empty.output
    assert "rodedraden run" in empty.output
