"""Measuring on real texts: document-level entity gold, the measures against reference themes
(k-means baseline, top-2 hit rate, catalogue precision) and the development-set text check.

The real texts themselves are not in git; these tests build small cases by hand and run the
commands on corpora written here, so every figure's code path is covered on any machine."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.devset import check_texts
from pipeline.entities.evaluate_documents import (
    evaluate_documents,
    is_document_gold,
    load_document_gold,
    missing_forms,
    normalise,
)
from pipeline.errors import UsageError
from pipeline.themes.reference import (
    catalogue_precision,
    document_vectors,
    kmeans_baseline,
    majority_reference,
    top2_hit_rate,
)


def gold_entity(type_, name, forms, id_=None):
    return {"type": type_, "name": name, "id": id_, "forms": forms}


def predicted(type_, text, id_, **extra):
    return {"type": type_, "text": text, "id": id_, "start": 0, "end": len(text), **extra}


# -- document-level entity gold --------------------------------------------------------------


def test_document_sets_match_by_id_or_by_form_and_count_by_hand():
    gold = {"d": [gold_entity("ORGANISATION", "COA", ["Centraal Orgaan opvang asielzoekers",
                                                      "COA"], "ORG:coa"),
                  gold_entity("ORGANISATION", "Bakkerij Jansen", ["Bakkerij Jansen"]),
                  gold_entity("ORGANISATION", "Stichting Vooruit", ["Stichting Vooruit"]),
                  gold_entity("REGION", "Lelystad", ["Lelystad"], "GM0995"),
                  gold_entity("DOELGROEP", "statushouders", ["statushouders"],
                              "DG:statushouders")]}
    pred = {"d": [predicted("ORGANISATION", "COA", "ORG:coa"),                  # by id
                  predicted("ORGANISATION", "bakkerij  Jansen", "ORG:x"),       # by form
                  predicted("ORGANISATION", "werkgevers", "ACTOR:werkgevers",   # not scored
                            generic=True),
                  predicted("ORGANISATION", "Randstad", "ORG:randstad"),        # false hit
                  predicted("REGION", "Lelystad", "GM0995"),
                  predicted("REGION", "Flevoland", "PV24", inside_organisation=True),
                  predicted("DOELGROEP", "Statushouders", "DG:statushouders")]}
    metrics = evaluate_documents(pred, gold)
    org = metrics["set"]["ORGANISATION"]
    # gold 3, found 2 (COA, Bakkerij Jansen); predicted 3 scored, 2 matched
    assert (org["tp"], org["fp"], org["fn"]) == (2, 1, 1)
    assert org["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert org["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert metrics["set"]["REGION"]["precision"] == 1.0   # the name inside an organisation
    assert metrics["set"]["DOELGROEP"]["f1"] == 1.0
    missed = [e for e in metrics["errors"] if e["error"] == "missed"]
    assert missed == [{"document": "d", "type": "ORGANISATION", "error": "missed", "id": None,
                       "name": "Stichting Vooruit"}]


def test_unknown_name_recall_counts_only_names_no_list_holds():
    gold = {"d": [gold_entity("ORGANISATION", "UWV", ["UWV"], "ORG:uwv"),
                  gold_entity("ORGANISATION", "Bakkerij Jansen", ["Bakkerij Jansen"]),
                  gold_entity("ORGANISATION", "Stichting Vooruit", ["Stichting Vooruit"])]}
    pred = {"d": [predicted("ORGANISATION", "UWV", "ORG:uwv"),
                  predicted("ORGANISATION", "Bakkerij Jansen", "ORG:bakkerij-jansen")]}
    metrics = evaluate_documents(pred, gold, known=lambda form: form == "UWV")
    assert metrics["unknown"]["ORGANISATION"] == {"found": 1, "total": 2, "recall": 0.5}


def test_normalise_ignores_case_articles_hyphens_and_spacing():
    assert normalise("de  Werkplaats-Noord") == normalise("werkplaats noord")
    assert normalise("Het UWV") == "uwv"
    assert normalise("Deventer") == "deventer"      # "De" inside a word is no article


def test_document_gold_is_recognised_validated_and_checked_against_the_text(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "a", "entities": [
        gold_entity("REGION", "Emmen", ["Emmen"], "GM0114")]}) + "\n", encoding="utf-8")
    assert is_document_gold(path)
    gold = load_document_gold(path)
    assert missing_forms(gold, {"a": "Werk in\nEmmen."}) == []
    assert missing_forms(gold, {"a": "Werk in Assen."}) == ["a: 'Emmen'"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "entities": [{"type": "PLACE", "name": "x", "forms": ["x"]}]}\n',
                   encoding="utf-8")
    with pytest.raises(UsageError) as error:
        load_document_gold(bad)
    assert error.value.code == "RD160" and "line 1" in error.value.message
    spans = tmp_path / "spans.jsonl"
    spans.write_text('{"id": "a", "entities": [{"start": 0, "end": 5, "type": "REGION", '
                     '"id": "GM0114"}]}\n', encoding="utf-8")
    assert not is_document_gold(spans)


def test_evaluate_entities_scores_document_level_gold_end_to_end(tmp_path):
    corpus = tmp_path / "teksten"
    corpus.mkdir()
    text = ("Het UWV en de gemeente Emmen helpen statushouders aan werk. " * 3
            + "Bakkerij Jansen uit Emmen neemt twee statushouders aan. " * 3)
    (corpus / "verhaal.txt").write_text(text, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "verhaal", "entities": [
        gold_entity("ORGANISATION", "UWV", ["UWV"], "ORG:uwv"),
        gold_entity("ORGANISATION", "Bakkerij Jansen", ["Bakkerij Jansen"]),
        gold_entity("REGION", "Emmen", ["Emmen"], "GM0114"),
        gold_entity("DOELGROEP", "statushouders", ["statushouders"], "DG:statushouders")]})
        + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "entities", "--gold", str(gold), "--corpus",
                                      str(corpus), "--out", str(tmp_path / "out"), "-q",
                                      "--set", "ingest.min_words=0"])
    assert result.exit_code == 0, result.output
    assert "document-level sets" in result.output and "unknown-name recall" in result.output
    metrics = json.loads((tmp_path / "out" / "latest" / "metrics_entities.json").read_text())
    assert metrics["set"]["REGION"]["recall"] == 1.0
    assert metrics["set"]["DOELGROEP"]["recall"] == 1.0
    assert metrics["unknown"]["ORGANISATION"]["total"] == 1     # Bakkerij Jansen is in no list


# -- measures against reference themes -------------------------------------------------------


def test_kmeans_baseline_finds_separated_groups_and_skips_impossible_k():
    rng = np.random.default_rng(0)
    centres = np.eye(3) * 10
    vectors = np.vstack([c + rng.normal(0, 0.1, (6, 3)) for c in centres])
    reference = [g for g in "abc" for _ in range(6)]
    result = kmeans_baseline(vectors, reference, [3, 1, 18, 3])
    assert list(result) == ["3"] and result["3"]["ami"] == 1.0


def test_document_vectors_average_a_documents_units():
    units = [{"doc_id": "a"}, {"doc_id": "a"}, {"doc_id": "b"}]
    embeddings = np.array([[2.0, 0.0], [0.0, 3.0], [0.0, 1.0]])
    vectors = document_vectors(units, embeddings, ["a", "b", "c"])
    assert np.allclose(vectors[0], [np.sqrt(0.5), np.sqrt(0.5)])
    assert np.allclose(vectors[1], [0, 1]) and np.allclose(vectors[2], [0, 0])


def test_top2_hit_rate_maps_each_theme_to_its_majority_reference():
    labels = {"a": "jongeren", "b": "jongeren", "c": "scholing", "d": "scholing"}
    mapped = majority_reference({0: ["a", "b", "c"], 1: ["d"]}, labels)
    assert mapped == {0: "jongeren", 1: "scholing"}
    rows = [{"id": "a", "themes": [{"theme": 0, "weight": 1.0}]},
            {"id": "b", "themes": [{"theme": 0, "weight": 1.0}]},
            {"id": "c", "themes": [{"theme": 0, "weight": 0.7}, {"theme": 1, "weight": 0.3}]},
            {"id": "d", "themes": [{"theme": 1, "weight": 1.0}]},
            {"id": "zz", "themes": []}]                      # no reference: not counted
    assert top2_hit_rate(rows, labels, mapped) == 1.0
    rows[2]["themes"] = [{"theme": 0, "weight": 1.0}]
    assert top2_hit_rate(rows, labels, mapped) == 0.75


def test_catalogue_precision_judges_labels_by_their_documents():
    labels = {"a": "nieuwkomers", "b": "nieuwkomers", "c": "van-werk-naar-werk"}
    further = {"c": ["nieuwkomers"]}
    mapping = {"Statushouders": "nieuwkomers", "Van werk naar werk": "van-werk-naar-werk",
               "Resultaten": None}
    themes = [{"id": 0, "curated_label": "Van werk naar werk", "documents": ["a", "b"]},
              {"id": 1, "curated_label": "Statushouders", "documents": ["c"]},
              {"id": 2, "curated_label": "Resultaten", "documents": ["a"]},
              {"id": 3, "curated_label": None, "documents": ["c"]}]
    result = catalogue_precision(themes, labels, further, mapping)
    assert (result["judged"], result["right"], result["precision"]) == (2, 1, 0.5)
    with pytest.raises(UsageError, match="not in the catalogue map"):
        catalogue_precision([{"id": 0, "curated_label": "Onbekend", "documents": ["a"]}],
                            labels, further, mapping)


# -- the development-set texts ---------------------------------------------------------------


def test_check_texts_reports_missing_changed_and_unlisted_texts(tmp_path):
    texts = tmp_path / "teksten"
    texts.mkdir()
    (texts / "a.txt").write_text("Een echt verhaal.", encoding="utf-8")
    (texts / "b.txt").write_text("Later aangepast.", encoding="utf-8")
    (texts / "x.txt").write_text("Niet in de bronnen.", encoding="utf-8")
    rows = [{"id": "a", "url": "https://a.example/1", "retrieved": "2026-11-28",
             "sha256": hashlib.sha256(b"Een echt verhaal.").hexdigest()},
            {"id": "b", "url": "https://b.example/2", "retrieved": "2026-11-28",
             "sha256": hashlib.sha256(b"Zoals opgehaald.").hexdigest()},
            {"id": "c", "url": "https://c.example/3", "retrieved": "2026-11-28",
             "sha256": "0" * 64}]
    sources = tmp_path / "bronnen.jsonl"
    sources.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    problems = check_texts(texts, sources)
    assert len(problems) == 3
    assert problems[0].startswith("b: ") and "differs" in problems[0]
    assert problems[1].startswith("c: missing") and "https://c.example/3" in problems[1]
    assert problems[2].startswith("x: ")
    (texts / "b.txt").write_text("Zoals opgehaald.", encoding="utf-8")
    (texts / "c.txt").unlink(missing_ok=True)
    assert len(check_texts(texts, sources)) == 2


def test_the_committed_development_set_is_complete_and_consistent():
    """48+ texts from 10+ sites, every text with a source row, entity gold and reference
    themes from the fixed list (the texts themselves are not in git)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "corpus" / "gold" / "echt"
    rows = [json.loads(line) for line in (root / "bronnen.jsonl").open(encoding="utf-8")]
    ids = {r["id"] for r in rows}
    assert len(ids) == len(rows) >= 40
    assert len({r["site"] for r in rows}) >= 10
    assert all(len(r["sha256"]) == 64 and r["url"].startswith("http") for r in rows)
    themes = [json.loads(line) for line in (root / "themas.jsonl").open(encoding="utf-8")]
    allowed = {"uitzendbranche", "werkgeversdienstverlening", "scholing", "begeleiding",
               "nieuwkomers", "jongeren", "arbeidsbeperking", "van-werk-naar-werk", "ouderen",
               "kwetsbare-groepen", "gezondheid", "tekortsectoren", "regionale-samenwerking"}
    assert {t["id"] for t in themes} == ids
    assert all(t["hoofdthema"] in allowed and set(t["neventhemas"]) <= allowed
               and len(t["neventhemas"]) <= 2 for t in themes)
    gold = load_document_gold(root / "entiteiten.jsonl")
    assert set(gold) == ids
