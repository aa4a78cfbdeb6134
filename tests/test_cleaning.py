"""Cleaning: web-noise patterns, lines repeated across documents, repeated lines, dates,
whitespace and paragraph building."""

from __future__ import annotations

import pytest
from helpers import assert_paragraph_offsets, documents, manifest, md_story, run_ingest, write
from helpers.texts import dutch_text

from pipeline.ingest.cleaning import LineCleaner, find_repeated_lines, normalize
from pipeline.settings import BoilerplateSettings

BODY = ("Contact met werkgevers is voor de gemeente het belangrijkste onderdeel van de aanpak, "
        "zegt de projectleider van het werkgeversservicepunt.")


def clean(text: str, **settings):
    return LineCleaner(BoilerplateSettings(**settings)).clean(normalize(text))


@pytest.mark.parametrize("line", [
    "Deel dit artikel",
    "Deel via LinkedIn",
    "Delen: Facebook Twitter",
    "Home > Nieuws > Matchtafel in Groningen",
    "Home › Praktijkverhalen",
    "Foto: Jelmer Hoekstra",
    "© Gemeente Groningen 2019",
    "Beeld: Anna de Vries",
    "Geplaatst op maandag 30 september 2019",
    "Gepubliceerd op 3 maart 2020",
    "Publicatiedatum: 1 april 2016 - 13:03",
    "Meer informatie: Piet de Vries, projectleider, 06-12345678",
    "Contactpersoon: Anna Smit, telefoon 010 123 4567.",
    "Logo Werk in Stad en Ommeland",
    "Lees verder",
    "Lees meer over de matchtafel",
    "Ga naar het overzicht",
    "Terug naar nieuws",
    "Pagina 2 van 5",
    "Print",
])
def test_pattern_line_is_removed(line):
    result = clean(f"{line}\n{BODY}")
    assert result.text == BODY
    assert result.removed == [{"line": line, "why": "pattern"}]


@pytest.mark.parametrize("line", [
    BODY,
    "Contact met de kandidaat loopt via de klantmanager van de gemeente.",
    "Delen van kennis tussen de regio's is een van de doelen van het programma.",
    "Foto's van de bijeenkomst staan op de website van de gemeente, zegt de woordvoerder.",
    "Homezorg en thuiszorg zijn sectoren waar veel vacatures openstaan.",
])
def test_content_lines_that_resemble_noise_are_kept(line):
    result = clean(line)
    assert result.text == line and result.removed == []


def test_immediately_repeated_line_is_dropped_once():
    result = clean("Werkfit Haaglanden\nWerkfit Haaglanden\n\n" + BODY)
    assert result.text == "Werkfit Haaglanden\n\n" + BODY
    assert result.removed == [{"line": "Werkfit Haaglanden", "why": "repeated-line"}]


def test_repeated_line_across_a_blank_line_is_also_dropped():
    result = clean("Werkfit Haaglanden\n\nWerkfit Haaglanden\n\n" + BODY)
    assert result.text == "Werkfit Haaglanden\n\n" + BODY


def test_the_same_line_later_in_the_text_is_kept():
    result = clean("Werkfit Haaglanden\n\n" + BODY + "\n\nWerkfit Haaglanden")
    assert result.text.count("Werkfit Haaglanden") == 2 and result.removed == []


def test_repeated_lines_are_kept_when_the_option_is_off():
    result = clean("Werkfit Haaglanden\nWerkfit Haaglanden", drop_consecutive_duplicates=False)
    assert result.text == "Werkfit Haaglanden Werkfit Haaglanden"


def test_date_is_read_from_a_removed_geplaatst_op_line():
    result = clean("Geplaatst op maandag 30 september 2019\n\n" + BODY)
    assert result.found_date() == "2019-09-30"
    assert "Geplaatst" not in result.text


def test_date_in_the_body_text_is_not_taken_as_the_publication_date():
    result = clean("Op 12 juni 2018 tekenden de partners het convenant in het stadhuis.")
    assert result.found_date() is None


def test_normalize_whitespace_invisible_and_control_characters():
    raw = "a\u00a0 b\tc\u00adx\u200by \x07z  \r\nvolgende\rregel\ufeff"
    assert normalize(raw) == "a b cxy z\nvolgende\nregel"


def test_hard_wrapped_lines_are_joined_and_list_items_stay_separate():
    result = clean("Tekst van het verhaal\nloopt door op de volgende regel en wordt samen-\n"
                   "gevoegd.\n- eerste punt\n- tweede punt\n1. genummerd punt\nSlot van de "
                   "alinea.")
    paragraphs = [result.text[p["start"]:p["end"]] for p in result.paragraphs]
    assert paragraphs == [
        "Tekst van het verhaal loopt door op de volgende regel en wordt samen-gevoegd.",
        "- eerste punt", "- tweede punt", "1. genummerd punt", "Slot van de alinea."]


def test_find_repeated_lines_uses_min_docs_and_ignores_digits_and_long_lines():
    footer = "Deze nieuwsbrief verschijnt elke maand."
    long_line = " ".join(["woord"] * 21)
    texts = [f"{footer}\nNummer {n} van de reeks\n{long_line}" for n in (3, 14, 27)]
    repeated = find_repeated_lines(texts, BoilerplateSettings())
    assert repeated == {"deze nieuwsbrief verschijnt elke maand.", "nummer 0 van de reeks"}
    assert find_repeated_lines(texts[:2], BoilerplateSettings()) == set()
    assert find_repeated_lines(texts, BoilerplateSettings(repeated_min_docs=4)) == set()


# -- through a real run -----------------------------------------------------------------------

FOOTER = "Schrijf je in voor onze nieuwsbrief en blijf op de hoogte."
SHARED_BY_TWO = "Het project wordt betaald uit het regionale werkbudget van de gemeenten."
NOISE = ("Home > Nieuws > Praktijkverhalen\n\nDeel dit artikel\n\nLogo Werkfit Haaglanden\n"
         "Logo Werkfit Haaglanden\n\nWerk in de Regio\nWerk in de Regio\n\n"
         "Foto: Jan Jansen\n\nMeer informatie: Piet de Vries, 06-12345678\n\n")


@pytest.fixture(scope="module")
def cleaned_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("cleaning")
    corpus = root / "corpus"
    write(corpus / "a.txt", "Eerste verhaal\n\nGeplaatst op maandag 30 september 2019\n\n"
          + NOISE + dutch_text(201) + f"\n\n{SHARED_BY_TWO}\n\n{FOOTER}\n")
    write(corpus / "b.md", md_story(202, "Tweede verhaal", extra=f"{SHARED_BY_TWO}\n\n")
          + f"\n{FOOTER}\n")
    write(corpus / "c.md", "---\ntitle: Derde verhaal\ndate: 2021-06-01\n---\n"
          "Geplaatst op dinsdag 1 oktober 2019\n\n" + dutch_text(203) + f"\n\n{FOOTER}\n")
    write(corpus / "d.md", md_story(204, "Vierde verhaal"))
    result = run_ingest(corpus, root / "out")
    return {"rows": manifest(result), "docs": {d["source"]: d for d in documents(result)}}


def test_cleaning_run_processes_all_documents(cleaned_run):
    assert [r["status"] for r in cleaned_run["rows"]] == ["processed"] * 4
    for doc in cleaned_run["docs"].values():
        assert_paragraph_offsets(doc)


def test_footer_in_three_documents_is_removed_everywhere(cleaned_run):
    for source in ("a.txt", "b.md", "c.md"):
        assert FOOTER not in cleaned_run["docs"][source]["text"], source


def test_sentence_shared_by_only_two_documents_is_kept(cleaned_run):
    for source in ("a.txt", "b.md"):
        assert SHARED_BY_TWO in cleaned_run["docs"][source]["text"], source


def test_noise_lines_are_removed_and_counted(cleaned_run):
    doc = cleaned_run["docs"]["a.txt"]
    for noise in ("Home >", "Deel dit artikel", "Foto:", "06-12345678", "Geplaatst op"):
        assert noise not in doc["text"]
    paragraphs = [doc["text"][p["start"]:p["end"]] for p in doc["paragraphs"]]
    assert paragraphs[:2] == ["Eerste verhaal", "Werk in de Regio"]  # kept once
    assert paragraphs[2:5] == dutch_text(201).split("\n\n")
    # Home, Deel, 2x Logo, 1 repeated line, Foto, Meer informatie, Geplaatst op, footer
    assert doc["removed_lines"] == 9


def test_geplaatst_op_gives_the_date_when_there_is_no_other(cleaned_run):
    assert cleaned_run["docs"]["a.txt"]["date"] == "2019-09-30"


def test_front_matter_date_wins_over_geplaatst_op(cleaned_run):
    assert cleaned_run["docs"]["c.md"]["date"] == "2021-06-01"


def test_document_without_any_date_has_none(cleaned_run):
    assert cleaned_run["docs"]["d.md"]["date"] is None


def test_markdown_section_heading_shared_by_three_stories_is_kept(tmp_path):
    corpus = tmp_path / "corpus"
    for seed in (211, 212, 213):
        parts = dutch_text(seed).split("\n\n")
        write(corpus / f"{seed}.md", f"---\ntitle: Verhaal {seed}\n---\n{parts[0]}\n\n"
              f"## Resultaten\n\n{parts[1]}\n\n{parts[2]}\n")
    docs = documents(run_ingest(corpus, tmp_path / "out"))
    assert len(docs) == 3 and all("Resultaten" in d["text"] for d in docs)
