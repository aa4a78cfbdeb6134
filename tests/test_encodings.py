"""Encodings: cp1252, UTF-8 with BOM, UTF-16 with BOM, and Unicode NFC normalisation.

Files are written byte for byte; the documents come out of a real ingest run.
"""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from helpers import assert_paragraph_offsets, documents, manifest, run_ingest, write
from helpers.texts import dutch_text

from pipeline.errors import InputError
from pipeline.ingest.decoding import decode_text

# More than 20 words, so that sharing it across all fixture files does not make it a line
# "repeated across documents" (which the cleaner would drop as site boilerplate).
SPECIAL = ("De coördinator van het café in België kreeg €1.500 voor ideeën over werk; "
           "één werkgever zei: \u201cdat is geëmigreerd talent\u201d, en daarom gaan we "
           "er in het nieuwe jaar mee door.")
TITLE_WORDS = ["Almere", "Breda", "Cuijk", "Delft", "Ede", "Frieswijk"]


def title(seed: int) -> str:
    return f"Één café in {TITLE_WORDS[seed - 1]}"


def story(seed: int) -> str:
    return f"{title(seed)}\n\n{SPECIAL}\n\n{dutch_text(seed)}\n"


@pytest.fixture(scope="module")
def encoded_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("encodings")
    corpus = root / "corpus"
    write(corpus / "cp1252.txt", story(1).replace("\n", "\r\n").encode("cp1252"))
    write(corpus / "utf8-bom.md", codecs.BOM_UTF8
          + ("---\ntitle: Ideeën uit België\n---\n" + SPECIAL + "\n\n" + dutch_text(2))
          .encode("utf-8"))
    write(corpus / "utf16-le.txt", story(3).encode("utf-16"))  # BOM + native (LE) order
    write(corpus / "utf16-be.txt", codecs.BOM_UTF16_BE + story(4).encode("utf-16-be"))
    decomposed = unicodedata.normalize("NFD", story(5))
    assert "e\u0301" in decomposed
    write(corpus / "decomposed.txt", decomposed.encode("utf-8"))
    write(corpus / "bom.csv", codecs.BOM_UTF8
          + ("id,title,text\ncsv-1,Café in België,\"" + SPECIAL + " " + dutch_text(6) + "\"\n")
          .encode("utf-8"))
    result = run_ingest(corpus, root / "out")
    return {"rows": manifest(result), "docs": {d["source"]: d for d in documents(result)}}


def test_all_encoded_files_are_processed(encoded_run):
    assert [(r["source"], r["status"]) for r in encoded_run["rows"]] == [
        (r["source"], "processed") for r in encoded_run["rows"]]
    assert len(encoded_run["docs"]) == 6
    for doc in encoded_run["docs"].values():
        assert_paragraph_offsets(doc)


@pytest.mark.parametrize("source", ["cp1252.txt", "utf16-le.txt", "utf16-be.txt",
                                    "decomposed.txt"])
def test_text_files_decode_accents_and_euro_sign(encoded_run, source):
    doc = encoded_run["docs"][source]
    seed = {"cp1252.txt": 1, "utf16-le.txt": 3, "utf16-be.txt": 4, "decomposed.txt": 5}[source]
    assert unicodedata.normalize("NFC", doc["title"]) == title(seed)
    paragraphs = [doc["text"][p["start"]:p["end"]] for p in doc["paragraphs"]]
    assert paragraphs[1] == SPECIAL
    assert "\r" not in doc["text"] and "\ufeff" not in doc["text"]


def test_cp1252_is_not_mistaken_for_latin_1(encoded_run):
    text = encoded_run["docs"]["cp1252.txt"]["text"]
    assert "€1.500" in text and "\u201c" in text and "\x80" not in text and "\x93" not in text


def test_utf8_bom_does_not_hide_front_matter(encoded_run):
    doc = encoded_run["docs"]["utf8-bom.md"]
    assert doc["title"] == "Ideeën uit België"
    assert doc["text"].startswith(SPECIAL)
    assert "title:" not in doc["text"]


def test_utf8_bom_csv_header_is_recognised(encoded_run):
    doc = encoded_run["docs"]["bom.csv"]
    assert doc["id"] == "csv-1" and doc["title"] == "Café in België"
    assert doc["text"].startswith(SPECIAL)


def test_nfc_normalisation_composes_decomposed_characters(encoded_run):
    doc = encoded_run["docs"]["decomposed.txt"]
    assert "\u0301" not in doc["text"] and "\u0308" not in doc["text"]
    assert "café" in doc["text"] and "Één café in Ede" in doc["text"]
    assert unicodedata.is_normalized("NFC", doc["text"])
    assert doc["text"] == unicodedata.normalize("NFC", story(5)).strip()


def test_title_of_a_decomposed_file_is_nfc(encoded_run):
    doc = encoded_run["docs"]["decomposed.txt"]
    assert doc["title"] == "Één café in Ede"


def test_every_document_text_is_nfc(encoded_run):
    for doc in encoded_run["docs"].values():
        assert unicodedata.is_normalized("NFC", doc["text"]), doc["source"]


@pytest.mark.parametrize("raw, expected", [
    (SPECIAL.encode("cp1252"), "cp1252"),
    (codecs.BOM_UTF8 + SPECIAL.encode("utf-8"), "utf-8-sig"),
    (SPECIAL.encode("utf-16"), "utf-16"),
    (SPECIAL.encode("utf-8"), "utf-8"),
])
def test_decode_text_reports_the_encoding_it_used(raw, expected):
    text, encoding = decode_text(raw, ["cp1252", "latin_1"])
    assert text.lstrip("\ufeff") == SPECIAL
    assert encoding == expected


def test_utf16_without_bom_is_reported_as_binary():
    with pytest.raises(InputError, match="binary content"):
        decode_text(SPECIAL.encode("utf-16-le"), ["cp1252", "latin_1"])


def test_bom_that_lies_is_reported():
    with pytest.raises(InputError, match="byte-order mark"):
        decode_text(codecs.BOM_UTF8 + b"caf\xe9 \xff\xfe", ["cp1252"])
