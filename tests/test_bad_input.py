"""Bad input never stops the batch: every broken file becomes a manifest row with a reason.

One fixture folder holds one file per kind of problem next to a few good documents. The run
uses ``--set ingest.read.max_file_mb=0.001`` (about 1 KB) so a 3 KB file is "too large" without
writing megabytes, and ``ingest.min_words=30`` so the good records stay under that size.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from helpers import (
    DEFAULT_CONFIG,
    invoke_cli,
    make_pdf_bytes,
    md_story,
    read_jsonl,
    write,
)
from helpers.texts import ENGLISH_TEXT, dutch_text

SETTINGS = ("--set", "ingest.read.max_file_mb=0.001", "--set", "ingest.min_words=30")
SMALL_LIMIT = 1048  # bytes; 0.001 MB


def short_story(seed: int) -> str:
    """About 45-60 Dutch words: over min_words=30, and small enough for the 1 KB limit."""
    return dutch_text(seed, paragraphs=1, sentences_per_paragraph=2)


def build_bad_corpus(root: Path) -> dict[str, tuple[str, str]]:
    """Write the fixture folder; return {source: (expected status, reason fragment)}."""
    expected: dict[str, tuple[str, str]] = {}

    def add(rel: str, content: str | bytes, status: str, reason: str) -> None:
        write(root / rel, content)
        expected[rel] = (status, reason)

    add("empty.txt", b"", "failed", "empty file")
    add("whitespace.txt", b"  \n\t \r\n   \n", "failed", "empty file")
    add("binary.txt", b"PK\x03\x04\x00\x00\x00binary\x00\x01\x02\xff" * 8, "failed",
        "binary content (NUL bytes)")
    garbage = bytes(random.Random(7).randrange(0x80, 0x100) for _ in range(300))
    add("undecodable.txt", garbage, "failed", "cannot decode the text")
    big = "\n\n".join(dutch_text(seed) for seed in (101, 102, 103, 104))
    add("too-large.md", big, "skipped", "over ingest.read.max_file_mb")
    add("not-a-pdf.pdf", "Dit is gewoon tekst met een verkeerde extensie.\n", "failed",
        "not a PDF file")
    pdf = make_pdf_bytes([short_story(11)], title="Afgebroken")
    add("truncated.pdf", pdf[: len(pdf) // 2], "failed", "cannot read PDF")
    add("not-a-zip.docx", "Ook dit is platte tekst en geen Word-bestand.\n", "failed",
        "not a .docx file (not a ZIP container)")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("iets.txt", "geen document")
    add("zip-not-docx.docx", buffer.getvalue(), "failed", "cannot open .docx")
    add("broken-front-matter.md", "---\ntitle: [niet gesloten\ndate: 2020-01-01\n---\n"
        + short_story(12) + "\n", "failed", "front matter is not valid YAML")
    add("spreadsheet.xlsx", b"PK\x03\x04 not really a spreadsheet", "skipped",
        "unsupported format '.xlsx'")
    add("README.md", "# Over deze map\n\nHier staan testbestanden.\n", "skipped",
        "excluded by ingest.read.exclude pattern 'README.md'")
    add("gold/annotaties.jsonl", '{"id": "x", "labels": []}\n', "skipped",
        "excluded by ingest.read.exclude pattern 'gold/**'")
    add(".DS_Store", b"\x00\x00\x00\x01Bud1", "skipped",
        "excluded by ingest.read.exclude pattern '.*'")
    add("kort.txt", "Kort bericht\n\nDe banenmarkt in Roermond trok honderd bezoekers.\n",
        "skipped", "too short: 9 words, ingest.min_words is 30")
    add("english.md", "---\ntitle: Agencies in the Achterhoek\n---\n" + ENGLISH_TEXT + "\n",
        "skipped", "language is 'en'")
    story = md_story(21, "Matchtafel in Twente")
    add("a-origineel.md", story, "processed", "")
    add("b-exacte-kopie.md", story, "skipped", "exact duplicate of a-origineel")
    near = ("Matchtafel in Twente, overgenomen\n\n" + dutch_text(21)
            + "\n\nBron: nieuwsbrief van de gemeente.\n")
    add("c-bijna-kopie.txt", near, "skipped", "duplicate of a-origineel")
    add("goed.txt", "Een goed verhaal\n\n" + short_story(22) + "\n", "processed", "")
    for rel, content in sorted(expected.items()):
        size = (root / rel).stat().st_size
        if rel != "too-large.md":
            assert size < SMALL_LIMIT, f"fixture {rel} is {size} bytes, over the 1 KB limit"
        else:
            assert size > SMALL_LIMIT
        del content

    jsonl_lines = [
        json.dumps({"id": "jsonl-goed-1", "title": "Eerste", "text": short_story(31)}),
        '{"id": "jsonl-kapot", "title": "Kapot", "text": "afgebroken',
        json.dumps({"id": "jsonl-goed-2", "title": "Derde", "text": short_story(32)}),
    ]
    write(root / "export" / "records.jsonl", "\n".join(jsonl_lines) + "\n")
    csv_text = ("id,title,text\n"
                f'csv-goed-1,Eerste,"{short_story(41)}"\n'
                "csv-kapot,alleen twee velden\n"
                f'csv-goed-2,Derde,"{short_story(42)}"\n')
    write(root / "export" / "records.csv", csv_text)
    for rel in ("export/records.jsonl", "export/records.csv"):
        assert (root / rel).stat().st_size < SMALL_LIMIT, rel
    return expected


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-corpus")
    corpus, out = root / "corpus", root / "out"
    expected = build_bad_corpus(corpus)
    result = invoke_cli("ingest", "--corpus", corpus, "--out", out, "--config", DEFAULT_CONFIG,
                        *SETTINGS)
    rows = read_jsonl(out / "latest" / "manifest.jsonl")
    return {"corpus": corpus, "out": out, "expected": expected, "result": result, "rows": rows}


def test_bad_input_run_exits_zero_and_prints_counts(bad_run):
    result, rows = bad_run["result"], bad_run["rows"]
    assert result.exit_code == 0, result.output
    counts = {s: sum(r["status"] == s for r in rows) for s in ("processed", "skipped", "failed")}
    assert counts["failed"] >= 10 and counts["processed"] >= 4
    assert (f"documents: {counts['processed']} processed, {counts['skipped']} skipped, "
            f"{counts['failed']} failed") in result.output
    assert "Traceback" not in result.output


def test_every_file_appears_in_the_manifest(bad_run):
    files = {p.relative_to(bad_run["corpus"]).as_posix()
             for p in bad_run["corpus"].rglob("*") if p.is_file()}
    assert {r["source"] for r in bad_run["rows"]} == files
    assert all(r["status"] in {"processed", "skipped", "failed"} for r in bad_run["rows"])
    assert all(r["status"] == "processed" or r["reason"] for r in bad_run["rows"])


@pytest.mark.parametrize("source", [
    "empty.txt", "whitespace.txt", "binary.txt", "undecodable.txt", "too-large.md",
    "not-a-pdf.pdf", "truncated.pdf", "not-a-zip.docx", "zip-not-docx.docx",
    "broken-front-matter.md", "spreadsheet.xlsx", "README.md", "gold/annotaties.jsonl",
    ".DS_Store", "kort.txt", "english.md",
    "a-origineel.md", "b-exacte-kopie.md", "c-bijna-kopie.txt", "goed.txt",
])
def test_file_gets_the_right_status_and_reason(bad_run, source):
    status, fragment = bad_run["expected"][source]
    rows = [r for r in bad_run["rows"] if r["source"] == source]
    assert len(rows) == 1, rows
    row = rows[0]
    assert row["status"] == status, row
    if status == "processed":
        assert row["reason"] is None
    else:
        assert fragment in row["reason"], row


def test_duplicates_point_at_the_kept_original(bad_run):
    rows = {r["source"]: r for r in bad_run["rows"]}
    original = rows["a-origineel.md"]["id"]
    assert original == "a-origineel"
    assert rows["b-exacte-kopie.md"]["duplicate_of"] == original
    assert rows["b-exacte-kopie.md"]["reason"].startswith("exact duplicate")
    assert rows["c-bijna-kopie.txt"]["duplicate_of"] == original
    assert rows["c-bijna-kopie.txt"]["reason"].startswith("near (")
    corpus = read_jsonl(bad_run["out"] / "latest" / "corpus.jsonl")
    ids = [d["id"] for d in corpus]
    assert original in ids and "b-exacte-kopie" not in ids and "c-bijna-kopie" not in ids


def test_good_records_next_to_a_malformed_jsonl_line_are_processed(bad_run):
    rows = sorted((r for r in bad_run["rows"] if r["source"] == "export/records.jsonl"),
                  key=lambda r: r["record"])
    assert [(r["record"], r["status"]) for r in rows] == [
        (1, "processed"), (2, "failed"), (3, "processed")]
    assert [rows[0]["id"], rows[2]["id"]] == ["jsonl-goed-1", "jsonl-goed-2"]
    assert "line 2" in rows[1]["reason"] and "invalid JSON" in rows[1]["reason"]


def test_good_rows_next_to_a_short_csv_row_are_processed(bad_run):
    rows = sorted((r for r in bad_run["rows"] if r["source"] == "export/records.csv"),
                  key=lambda r: r["record"])
    assert [r["status"] for r in rows] == ["processed", "failed", "processed"]
    assert [rows[0]["id"], rows[2]["id"]] == ["csv-goed-1", "csv-goed-2"]
    assert "expected 3 fields, found 2" in rows[1]["reason"]
    corpus = {d["id"]: d for d in read_jsonl(bad_run["out"] / "latest" / "corpus.jsonl")}
    assert corpus["csv-goed-1"]["title"] == "Eerste"
    assert corpus["jsonl-goed-2"]["title"] == "Derde"


def test_on_error_fail_exits_1_and_names_the_file(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    expected = build_bad_corpus(corpus)
    failing = sorted(rel for rel, (status, _) in expected.items() if status == "failed")
    result = invoke_cli("ingest", "--corpus", corpus, "--out", out, "--config", DEFAULT_CONFIG,
                        *SETTINGS, "--set", "run.on_error=fail")
    assert result.exit_code == 1, result.output
    assert f"error: [RD311] {failing[0]}: " in result.output
    assert "on_error" in result.output  # the hint says how to go on instead
    assert "Traceback" not in result.output
    assert not (out / "latest").exists()
    assert not [p for p in (out / "runs").iterdir() if not p.name.startswith("failed-")]


def test_on_error_fail_names_a_bad_jsonl_record(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write(corpus / "goed.md", md_story(3, "Goed verhaal"))
    write(corpus / "data" / "records.jsonl",
          json.dumps({"id": "r1", "text": dutch_text(4)}) + "\n{kapot\n")
    result = invoke_cli("ingest", "--corpus", corpus, "--out", out, "--config", DEFAULT_CONFIG,
                        "--set", "run.on_error=fail")
    assert result.exit_code == 1
    assert "data/records.jsonl (record 2): line 2: invalid JSON" in result.output


def test_on_error_continue_is_the_default_for_the_same_corpus(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write(corpus / "goed.md", md_story(3, "Goed verhaal"))
    write(corpus / "binary.txt", b"\x00\x01\x02" * 50)
    result = invoke_cli("ingest", "--corpus", corpus, "--out", out, "--config", DEFAULT_CONFIG)
    assert result.exit_code == 0, result.output
    assert "documents: 1 processed, 0 skipped, 1 failed" in result.output
