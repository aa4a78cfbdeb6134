"""Each input format, read through a real ingest run: text, title, date, metadata, paragraphs.

One corpus holds one or more files per format (built for real: .docx with python-docx, .pdf with
fpdf2); it is ingested once with the default profile and every test looks at its documents.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from helpers import (
    assert_paragraph_offsets,
    documents,
    make_docx,
    make_pdf,
    make_pdf_bytes,
    manifest,
    read_jsonl,
    run_ingest,
    write,
)
from helpers.texts import dutch_text

from pipeline.ingest.readers import read_source
from pipeline.settings import ReadSettings

TXT_BODY = dutch_text(51)
MD_BODY = dutch_text(52)
HTML_PARAS = dutch_text(53).split("\n\n")
JSON_OBJ_TEXT = dutch_text(54)
JSON_LIST_TEXTS = [dutch_text(55), dutch_text(56)]
JSONL_TEXTS = [dutch_text(57), dutch_text(58), dutch_text(59)]
CSV_COMMA_TEXTS = [dutch_text(60), dutch_text(61)]
CSV_SEMI_TEXTS = [dutch_text(62), dutch_text(63)]
DOCX_PARAS = dutch_text(64).split("\n\n")
PDF_PARAS = dutch_text(71).split("\n\n")  # every paragraph ends in a clearly short line

HTML = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<title>Jobcoach helpt in Haaglanden | Werkfit</title>
<meta property="og:title" content="Jobcoach helpt in Haaglanden">
<meta property="article:published_time" content="2022-04-12T09:00:00+02:00">
<style>body {{ font-family: Arial; }} .menu {{ color: red; }}</style>
<script>var geheimeTracker = "volgcode"; function meten() {{ return 1; }}</script>
</head><body>
<nav><ul><li><a href="/">Startpagina</a></li><li><a href="/nieuws">Nieuwsoverzicht</a></li>
<li><a href="/contact">Contactformulier</a></li></ul></nav>
<main><article><h1>Jobcoach helpt in Haaglanden</h1>
{paragraphs}
</article></main>
<footer><p>Alle rechten voorbehouden aan Stichting Voorbeeldsite, Kerkstraat 1, Den Haag.</p>
</footer></body></html>
"""


def _csv(rows: list[list[str]], delimiter: str, lineterminator: str = "\r\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def formats_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    corpus = root / "corpus"
    write(corpus / "tekst" / "met-titel.txt", "Werkgeversservicepunt opent loket\n\n"
          + TXT_BODY + "\n")
    write(corpus / "tekst" / "zonder-titel.txt", dutch_text(65) + "\n")
    write(corpus / "md" / "verhaal.md",
          "---\ntitle: Matchtafel in Groningen\ndate: 2019-05-14\nsource: Nieuwsbrief Werk\n"
          "type: nieuwsbericht\ntags: [pps, uitzendbureaus]\n---\n"
          "# Kop in de tekst\n\n" + MD_BODY.replace("UWV", "**UWV**", 1)
          + "\n\n## Meer weten\n\nLees het [volledige rapport](https://example.org/r.pdf) over"
          " de aanpak van de matchtafel in de regio en de resultaten voor werkzoekenden.\n")
    write(corpus / "md" / "zonder-front-matter.md",
          "# Titel uit de kop\n\n" + dutch_text(66) + "\n")
    write(corpus / "web" / "pagina.html",
          HTML.format(paragraphs="\n".join(f"<p>{p}</p>" for p in HTML_PARAS)))
    write(corpus / "data" / "object.json", json.dumps(
        {"id": "obj-1", "title": "Eén object", "date": "2020-02-03", "text": JSON_OBJ_TEXT,
         "auteur": "Redactie", "aantal": 12, "regio": {"naam": "Twente"}}))
    write(corpus / "data" / "lijst.json", json.dumps(
        [{"title": f"Lijst {i}", "text": text} for i, text in enumerate(JSON_LIST_TEXTS)]))
    write(corpus / "data" / "records.jsonl", "\n".join(
        json.dumps({"id": f"rec-{i}", "title": f"Record {i}", "date": f"2021-0{i + 1}-01",
                    "text": text, "bron": "export"})
        for i, text in enumerate(JSONL_TEXTS)) + "\n\n")
    comma_texts = [CSV_COMMA_TEXTS[0].replace("\n\n", "\nregel twee van de alinea\n\n", 1),
                   CSV_COMMA_TEXTS[1]]
    write(corpus / "data" / "komma.csv", _csv(
        [["id", "title", "date", "text", "regio"]]
        + [[f"k-{i}", f"Komma {i}", "2018-10-1" + str(i), text, "Zeeland"]
           for i, text in enumerate(comma_texts)], ","))
    write(corpus / "data" / "puntkomma.csv", _csv(
        [["id", "title", "text"]]
        + [[f"p-{i}", f"Puntkomma {i}", text] for i, text in enumerate(CSV_SEMI_TEXTS)], ";",
        lineterminator="\n"))
    make_docx(corpus / "office" / "plan.docx", title=None, created=(2020, 3, 5), blocks=[
        ("heading", "Projectplan Metaal Werkt"),
        ("p", DOCX_PARAS[0]),
        ("heading1", "Resultaten per regio"),
        ("table", [["Regio", "Plaatsingen"], ["Midden-Brabant", "45"], ["Twente", "38"]]),
        ("p", DOCX_PARAS[1]),
        ("p", DOCX_PARAS[2]),
    ])
    make_pdf(corpus / "office" / "resultaten.pdf", PDF_PARAS, title="Resultaten Ervaring Werkt")
    result = run_ingest(corpus, root / "out")
    docs = documents(result)
    return {"result": result, "rows": manifest(result), "docs": docs,
            "by_source": {(d["source"], d["record"]): d for d in docs}}


def doc(formats_run, source, record=None):
    return formats_run["by_source"][(source, record)]


def test_every_fixture_file_is_processed(formats_run):
    assert {r["status"] for r in formats_run["rows"]} == {"processed"}, [
        (r["source"], r["reason"]) for r in formats_run["rows"] if r["status"] != "processed"]
    formats = {d["format"] for d in formats_run["docs"]}
    assert formats == {"txt", "md", "html", "json", "jsonl", "csv", "docx", "pdf"}
    assert len(formats_run["docs"]) == 17


def test_paragraph_offsets_index_the_cleaned_text_for_every_format(formats_run):
    for document in formats_run["docs"]:
        assert_paragraph_offsets(document)


def test_txt_short_first_line_is_the_title(formats_run):
    d = doc(formats_run, "tekst/met-titel.txt")
    assert d["title"] == "Werkgeversservicepunt opent loket"
    assert d["id"] == "met-titel" and d["format"] == "txt"
    paragraphs = [d["text"][p["start"]:p["end"]] for p in d["paragraphs"]]
    assert paragraphs == ["Werkgeversservicepunt opent loket", *TXT_BODY.split("\n\n")]
    assert d["n_words"] == len(d["text"].split())


def test_txt_without_a_title_line_has_no_title(formats_run):
    d = doc(formats_run, "tekst/zonder-titel.txt")
    assert d["title"] is None
    assert d["text"] == dutch_text(65)


def test_md_front_matter_gives_title_date_and_metadata(formats_run):
    d = doc(formats_run, "md/verhaal.md")
    assert d["title"] == "Matchtafel in Groningen"
    assert d["date"] == "2019-05-14"
    assert d["metadata"] == {"source": "Nieuwsbrief Werk", "type": "nieuwsbericht",
                             "tags": ["pps", "uitzendbureaus"]}
    assert "---" not in d["text"] and "title:" not in d["text"]


def test_md_markup_is_removed_and_headings_are_paragraphs(formats_run):
    d = doc(formats_run, "md/verhaal.md")
    paragraphs = [d["text"][p["start"]:p["end"]] for p in d["paragraphs"]]
    assert paragraphs[0] == "Kop in de tekst"
    assert paragraphs[1:4] == MD_BODY.split("\n\n")  # '**UWV**' lost its asterisks
    assert "Meer weten" in paragraphs
    assert "*" not in d["text"] and "#" not in d["text"]
    assert "volledige rapport over de aanpak" in d["text"] and "https://" not in d["text"]


def test_md_without_front_matter_takes_the_first_heading_as_title(formats_run):
    d = doc(formats_run, "md/zonder-front-matter.md")
    assert d["title"] == "Titel uit de kop"
    assert d["metadata"] == {}


def test_html_keeps_the_main_text_and_drops_navigation_scripts_styles_footer(formats_run):
    d = doc(formats_run, "web/pagina.html")
    for paragraph in HTML_PARAS:
        assert paragraph in d["text"]
    for noise in ("Startpagina", "Nieuwsoverzicht", "Contactformulier", "geheimeTracker",
                  "volgcode", "font-family", "color: red", "Alle rechten voorbehouden",
                  "Kerkstraat"):
        assert noise not in d["text"], noise
    assert d["title"] == "Jobcoach helpt in Haaglanden"
    assert d["date"] == "2022-04-12"
    paragraphs = [d["text"][p["start"]:p["end"]] for p in d["paragraphs"]]
    assert set(HTML_PARAS) <= set(paragraphs)


def test_json_object_uses_the_given_id_and_keeps_other_fields_as_metadata(formats_run):
    d = doc(formats_run, "data/object.json")
    assert d["id"] == "obj-1"
    assert d["title"] == "Eén object" and d["date"] == "2020-02-03"
    assert d["metadata"] == {"auteur": "Redactie", "aantal": 12, "regio": {"naam": "Twente"}}
    assert d["text"] == JSON_OBJ_TEXT


def test_json_list_gives_one_document_per_item(formats_run):
    rows = sorted((r for r in formats_run["rows"] if r["source"] == "data/lijst.json"),
                  key=lambda r: r["record"])
    assert len(rows) == 2
    docs = [doc(formats_run, "data/lijst.json", r["record"]) for r in rows]
    assert [d["title"] for d in docs] == ["Lijst 0", "Lijst 1"]
    assert [d["text"] for d in docs] == JSON_LIST_TEXTS
    assert len({d["id"] for d in docs}) == 2
    assert all(d["id"].startswith("lijst-") for d in docs)


def test_jsonl_gives_one_document_per_line_with_the_given_ids(formats_run):
    docs = [doc(formats_run, "data/records.jsonl", n) for n in (1, 2, 3)]
    assert [d["id"] for d in docs] == ["rec-0", "rec-1", "rec-2"]
    assert [d["title"] for d in docs] == ["Record 0", "Record 1", "Record 2"]
    assert [d["date"] for d in docs] == ["2021-01-01", "2021-02-01", "2021-03-01"]
    assert [d["text"] for d in docs] == JSONL_TEXTS
    assert all(d["metadata"] == {"bron": "export"} for d in docs)


def test_csv_with_commas_and_a_quoted_multiline_text(formats_run):
    rows = sorted((r for r in formats_run["rows"] if r["source"] == "data/komma.csv"),
                  key=lambda r: r["record"])
    docs = [doc(formats_run, "data/komma.csv", r["record"]) for r in rows]
    assert [d["id"] for d in docs] == ["k-0", "k-1"]
    assert [d["title"] for d in docs] == ["Komma 0", "Komma 1"]
    assert [d["date"] for d in docs] == ["2018-10-10", "2018-10-11"]
    assert all(d["metadata"] == {"regio": "Zeeland"} for d in docs)
    first = CSV_COMMA_TEXTS[0].split("\n\n")
    paragraphs = [docs[0]["text"][p["start"]:p["end"]] for p in docs[0]["paragraphs"]]
    # the line break inside the quoted field is reflowed into its paragraph
    assert paragraphs == [first[0] + " regel twee van de alinea", *first[1:]]
    assert docs[1]["text"] == CSV_COMMA_TEXTS[1]


def test_csv_with_semicolons_is_sniffed(formats_run):
    docs = [doc(formats_run, "data/puntkomma.csv", n) for n in (2, 3)]
    assert [d["id"] for d in docs] == ["p-0", "p-1"]
    assert [d["text"] for d in docs] == CSV_SEMI_TEXTS
    assert [d["title"] for d in docs] == ["Puntkomma 0", "Puntkomma 1"]


def test_semicolon_csv_with_crlf_line_ends_and_multiline_text():
    data = _csv([["id", "title", "text"]]
                + [[f"p-{i}", f"Puntkomma {i}", text] for i, text in enumerate(CSV_SEMI_TEXTS)],
                ";", lineterminator="\r\n").encode("utf-8")
    records = read_source(data, "csv", ReadSettings())
    assert [r["error"] for r in records] == [None, None]
    assert [r["text"] for r in records] == CSV_SEMI_TEXTS


def test_explicit_semicolon_delimiter_reads_crlf_multiline_csv():
    data = _csv([["id", "title", "text"]]
                + [[f"p-{i}", f"Puntkomma {i}", text] for i, text in enumerate(CSV_SEMI_TEXTS)],
                ";", lineterminator="\r\n").encode("utf-8")
    records = read_source(data, "csv", ReadSettings(csv_delimiter=";"))
    assert [r["given_id"] for r in records] == ["p-0", "p-1"]
    assert [r["text"].replace("\r\n", "\n") for r in records] == CSV_SEMI_TEXTS


def test_docx_headings_and_table_rows_become_paragraphs(formats_run):
    d = doc(formats_run, "office/plan.docx")
    paragraphs = [d["text"][p["start"]:p["end"]] for p in d["paragraphs"]]
    assert paragraphs == ["Projectplan Metaal Werkt", DOCX_PARAS[0], "Resultaten per regio",
                          "Regio | Plaatsingen", "Midden-Brabant | 45", "Twente | 38",
                          DOCX_PARAS[1], DOCX_PARAS[2]]
    assert d["title"] == "Projectplan Metaal Werkt"  # no core title: the first heading
    assert d["date"] == "2020-03-05"


def test_docx_core_title_wins_over_the_first_heading(tmp_path):
    path = make_docx(tmp_path / "a.docx", title="Titel uit eigenschappen",
                     blocks=[("heading1", "Eerste kop"), ("p", "Tekst van het plan.")])
    [record] = read_source(path.read_bytes(), "docx", ReadSettings())
    assert record["title"] == "Titel uit eigenschappen"
    assert record["text"] == "Eerste kop\n\nTekst van het plan."


def test_pdf_text_layer_is_reflowed_into_paragraphs(formats_run):
    d = doc(formats_run, "office/resultaten.pdf")
    assert d["title"] == "Resultaten Ervaring Werkt"
    paragraphs = [d["text"][p["start"]:p["end"]] for p in d["paragraphs"]]
    assert paragraphs == PDF_PARAS  # hard-wrapped lines joined, paragraph breaks kept


def test_pdf_paragraph_whose_last_line_is_almost_full_stays_separate():
    paragraphs = dutch_text(72).split("\n\n")
    [record] = read_source(make_pdf_bytes(paragraphs), "pdf", ReadSettings())
    assert record["text"].split("\n\n") == paragraphs


def test_all_documents_are_dutch_and_written_to_corpus_jsonl(formats_run):
    rows = formats_run["rows"]
    assert all(r["reason"] is None and r["language"] == "nl" for r in rows)
    corpus = read_jsonl(formats_run["result"].run_dir / "corpus.jsonl")
    assert [d["id"] for d in corpus] == [d["id"] for d in formats_run["docs"]]
