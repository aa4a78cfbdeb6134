"""Unit tests for reading hostile input: links, FIFOs, odd names, YAML, JSON, CSV and .docx limits.

The end-to-end checks (subprocess, time and memory limits) are in tests/test_hostile.py; these
call the scanner and the readers directly, one case each.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os

import pytest
from helpers import make_docx, write
from helpers.texts import dutch_text
from hostile import styled_docx

from pipeline.errors import InputError
from pipeline.ingest.readers import read_source
from pipeline.ingest.records import MAX_DEPTH, canonical
from pipeline.ingest.sources import fingerprint, scan_corpus
from pipeline.settings import ReadSettings
from pipeline.storage import stable_hash

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt",
                                    reason="symbolic links need a POSIX file system")


def scan(corpus, **settings) -> dict[str, str | None]:
    return {f.rel: f.skip_reason for f in scan_corpus(corpus, ReadSettings(**settings))}


# -- the corpus folder -----------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_skipped_without_being_opened(tmp_path):
    os.mkfifo(tmp_path / "pijp.txt")
    assert scan(tmp_path) == {"pijp.txt": "not a regular file (fifo); only regular files are read"}


@needs_symlinks
def test_links_outside_the_corpus_are_skipped_unless_allowed(tmp_path):
    corpus, outside = tmp_path / "corpus", tmp_path / "buiten.txt"
    write(outside, "geheim")
    corpus.mkdir()
    os.symlink(outside, corpus / "link.txt")
    os.symlink("/dev/zero", corpus / "nul.txt")
    found = scan(corpus)
    assert "outside the corpus folder" in found["link.txt"]
    assert "follow_links: true" in found["nul.txt"]
    allowed = scan(corpus, follow_links=True)
    assert allowed["link.txt"] is None
    assert allowed["nul.txt"].startswith("not a regular file (character device)")


@needs_symlinks
def test_links_inside_are_followed_and_loops_and_second_links_are_listed(tmp_path):
    write(tmp_path / "map" / "a.txt", dutch_text(1))
    os.symlink("map/a.txt", tmp_path / "ook-a.txt")
    os.symlink("map", tmp_path / "alias")
    os.symlink("map", tmp_path / "alias2")
    os.symlink(".", tmp_path / "lus")
    os.symlink("zelf", tmp_path / "zelf")
    os.symlink("weg", tmp_path / "kapot.txt")
    found = scan(tmp_path)
    assert found["map/a.txt"] is None and found["ook-a.txt"] is None
    assert found["alias/a.txt"] is None
    assert "already read through alias" in found["alias2"]
    assert found["lus"].startswith("symbolic link loop")
    assert found["zelf"].startswith("symbolic link loop")
    assert found["kapot.txt"].startswith("broken symbolic link")


def test_a_name_that_is_not_utf8_is_escaped_and_hashable(tmp_path):
    try:
        with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.md"), "wb") as handle:
            handle.write(b"# Titel\n\nTekst.\n")
    except (OSError, ValueError):
        pytest.skip("the file system refuses names that are not UTF-8")
    [source] = scan_corpus(tmp_path, ReadSettings())
    assert source.rel == "caf\\xe9.md" and source.sha256 is not None
    assert stable_hash(fingerprint({"files": [vars(source)]}))  # no UnicodeEncodeError


# -- values: canonical JSON ------------------------------------------------------------------


def test_canonical_values_and_notes():
    notes: list[str] = []
    value = {"d": dt.date(2020, 1, 2), dt.date(2021, 1, 1): "x", "s": {3, 1, 2},
             "n": float("nan"), "b": b"\xff\x00", "t": "a\ud800b", "o": object}
    out = canonical(value, notes, "metadata")
    assert out["d"] == "2020-01-02" and out["2021-01-01"] == "x" and out["s"] == [1, 2, 3]
    assert out["n"] is None and out["b"] is None and out["t"] == "a\ufffdb"
    assert out["o"] == str(object)
    json.dumps(out, allow_nan=False).encode("utf-8")
    assert len(notes) == 3


def test_too_deep_metadata_fails_the_record_alone():
    deep: list = []
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    lines = [json.dumps({"text": "een", "x": deep}), json.dumps({"text": "twee"})]
    records = read_source("\n".join(lines).encode(), "jsonl", ReadSettings())
    assert "metadata nested too deeply" in records[0]["error"]
    assert records[1]["error"] is None


# -- JSON ------------------------------------------------------------------------------------


def test_lone_surrogates_become_replacement_characters_with_a_warning():
    data = b'{"title": "lone \\ud800 surrogate", "text": "tekst \\udfff", "score": NaN}'
    [record] = read_source(data, "json", ReadSettings())
    assert record["title"] == "lone \ufffd surrogate" and record["text"] == "tekst \ufffd"
    assert record["metadata"] == {"score": None}
    assert any("lone surrogate" in w for w in record["warnings"])
    assert any("not a JSON number" in w for w in record["warnings"])


def test_deeply_nested_json_is_a_clear_failure():
    with pytest.raises(InputError, match="nested too deeply"):
        read_source(b"[" * 100_000 + b"]" * 100_000, "json", ReadSettings())
    records = read_source(b'{"text": ' + b"[" * 100_000 + b"\n" + b'{"text": "goed"}\n',
                          "jsonl", ReadSettings())
    assert records[0]["error"] == "line 1: JSON nested too deeply"
    assert records[1]["text"] == "goed"


# -- markdown front matter -------------------------------------------------------------------


def test_yaml_aliases_are_refused():
    data = b"---\na: &a [x, x]\nb: [*a, *a]\n---\nTekst.\n"
    with pytest.raises(InputError, match="anchors and aliases are not allowed"):
        read_source(data, "md", ReadSettings())


def test_front_matter_over_the_limit_is_refused():
    data = ("---\nnotitie: " + "x" * 3000 + "\n---\nTekst.\n").encode()
    with pytest.raises(InputError, match="over ingest.read.max_front_matter_kb"):
        read_source(data, "md", ReadSettings(max_front_matter_kb=2))
    [record] = read_source(data, "md", ReadSettings())
    assert len(record["metadata"]["notitie"]) == 3000


def test_an_impossible_date_is_kept_as_text_with_a_warning():
    [record] = read_source(b"---\ndate: 2021-02-30\nop: 2021-02-31\n---\nTekst.\n", "md",
                           ReadSettings())
    assert record["date"] == "2021-02-30" and record["metadata"] == {"op": "2021-02-31"}
    assert "'2021-02-30' is not a valid date" in record["warnings"][0]


def test_yaml_values_become_canonical_json():
    data = (b"---\nset: !!set {b: null, a: null}\nnan: .nan\nbin: !!binary aGFsbG8=\n"
            b"moment: 2020-05-01 10:30:00\n---\nTekst.\n")
    [record] = read_source(data, "md", ReadSettings())
    assert record["metadata"] == {"set": ["a", "b"], "nan": None, "bin": "hallo",
                                  "moment": "2020-05-01T10:30:00"}


# -- CSV -------------------------------------------------------------------------------------


def test_csv_rows_after_a_quoting_error_and_a_huge_field_are_read():
    big = "woord " * 30_000  # 180,000 characters, over csv's default field limit
    text = ('id,text\nr1,"een"\nr2,"half"kapot\n'
            f'r3,"{big}"\nr4,"nooit gesloten\nr5,"vijf"\n')
    limit = csv.field_size_limit()
    records = read_source(text.encode(), "csv", ReadSettings())
    assert csv.field_size_limit() == limit  # the process-wide limit is put back
    assert [r["given_id"] for r in records] == ["r1", None, "r3", None, "r5"]
    assert [r["record"] for r in records] == [2, 3, 4, 5, 6]
    assert "row 3 (line 3): malformed CSV" in records[1]["error"]
    assert len(records[2]["text"]) == len(big)
    assert "reading goes on at line 6" in records[3]["error"]


# -- .docx -----------------------------------------------------------------------------------


def test_docx_over_the_unpacked_limit_is_refused(tmp_path):
    path = make_docx(tmp_path / "a.docx", title=None, blocks=[("p", "Tekst.")])
    with pytest.raises(InputError, match="over ingest.read.max_uncompressed_mb"):
        read_source(path.read_bytes(), "docx", ReadSettings(max_uncompressed_mb=0.01))


def test_docx_paragraph_styles_come_from_the_style_map():
    [record] = read_source(styled_docx(n_styles=50, n_paragraphs=30), "docx", ReadSettings())
    assert record["title"] == "Veel stijlen"  # the 'Title' style, found by its id
    assert len(record["text"].split("\n\n")) == 31
