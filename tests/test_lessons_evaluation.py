"""Lesson passages (issue 13): cue phrases, the sentence table built from annotated passages,
the scores worked out by hand, and `rodedraden evaluate lessons` end to end."""

from __future__ import annotations

import hashlib
import json

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.lessons.evaluate import evaluate_lessons, scores, sentence_table
from pipeline.lessons.passages import NONE, PassageClassifier, cue_type, passage_spans

STORY = ("Het project helpt statushouders aan werk. Het succes zit in de korte lijnen met "
         "werkgevers. De financiering bleek lastig. In totaal vonden 80 mensen een baan.\n"
         "De aanpak wordt regulier beleid.")


def gold_record(doc_id, text, passages, source="bundled"):
    return {"id": doc_id, "source": source, "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "passages": passages}


def typed(text, sentence, type_):
    start = text.index(sentence)
    return {"start": start, "end": start + len(sentence), "type": type_, "quantities": []}


def test_cue_phrases_name_the_four_types_and_leave_description_alone():
    assert cue_type("Het succes zit in de korte lijnen met werkgevers.") == "werkzaam_element"
    assert cue_type("De financiering bleek lastig.") == "knelpunt"
    assert cue_type("In totaal vonden 80 mensen een baan.") == "resultaat"
    assert cue_type("De aanpak wordt regulier beleid.") == "vervolg"
    assert cue_type("De jobcoach bezoekt de werkplek.") == NONE


def test_passages_are_sentences_and_never_cross_a_line():
    spans = passage_spans("Kop\n\nEen zin. Nog een zin!\nDerde.")
    assert spans == [(0, 3), (5, 13), (14, 26), (27, 33)]


def test_sentence_table_takes_the_gold_type_and_skips_changed_texts():
    gold = [gold_record("a", STORY, [
        typed(STORY, "Het succes zit in de korte lijnen met werkgevers.", "werkzaam_element"),
        typed(STORY, "In totaal vonden 80 mensen een baan.", "resultaat")]),
        gold_record("b", "Oude tekst.", [])]
    rows, skipped = sentence_table(gold, {"a": STORY, "b": "Nieuwe tekst."})
    assert [r["label"] for r in rows] == [NONE, "werkzaam_element", NONE, "resultaat", NONE]
    assert skipped == ["b: text differs from the one annotated"]


def test_scores_by_hand():
    gold = ["knelpunt", "knelpunt", NONE, "resultaat"]
    predicted = ["knelpunt", NONE, "knelpunt", "resultaat"]
    table = scores(gold, predicted)
    assert table["knelpunt"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "gold": 2}
    assert table["resultaat"]["f1"] == 1.0 and table["vervolg"]["gold"] == 0


def test_classifier_learns_the_types_from_examples():
    sentences = ["Het succes zit in de samenwerking.", "Wat goed werkt is de begeleiding.",
                 "De financiering was lastig.", "We liepen tegen regels aan.",
                 "In totaal vonden 40 mensen werk.", "Er zijn 12 kandidaten geplaatst.",
                 "De aanpak wordt regulier beleid.", "Andere regio's nemen de aanpak over.",
                 "Het project startte in mei.", "De wethouder opende het loket."] * 3
    labels = ["werkzaam_element"] * 2 + ["knelpunt"] * 2 + ["resultaat"] * 2 + \
        ["vervolg"] * 2 + [NONE] * 2
    model = PassageClassifier(embeddings_weight=0).fit(sentences, labels * 3)
    found, confidence = model.predict(["Het succes zit in de korte lijnen.",
                                       "De aanpak wordt regulier beleid in Twente."])
    assert found == ["werkzaam_element", "vervolg"]
    assert all(0 < c <= 1 for c in confidence)


def test_evaluate_lessons_cross_validates_by_document_and_holds_real_texts_out():
    rows = []
    for i in range(6):
        source = "bundled" if i < 4 else "echt"
        for sentence, label in [("Het succes zit in de korte lijnen.", "werkzaam_element"),
                                ("De financiering bleek lastig.", "knelpunt"),
                                ("De jobcoach bezoekt de werkplek.", NONE)]:
            rows.append({"doc": f"d{i}", "source": source, "text": sentence, "label": label})
    result = evaluate_lessons(rows)
    assert result["typed"] == 12 and set(result) >= {"cues", "cross_validated", "held_out"}
    assert result["held_out"]["knelpunt"]["gold"] == 2


def test_evaluate_lessons_command(tmp_path):
    from pipeline.config import load_config
    from pipeline.runner import Runner
    from pipeline.stages import all_stages

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    places = ["Emmen", "Assen", "Zwolle", "Breda", "Venlo"]
    for i, place in enumerate(places):   # every line differs, so no line is boilerplate
        (corpus / f"verhaal-{i}.txt").write_text(
            f"Het project in {place} helpt statushouders aan werk. De financiering bleek "
            f"lastig in {place}.\nDe aanpak in {place} wordt regulier beleid.",
            encoding="utf-8")
    # offsets and hashes refer to the text as ingest cleans it, as the guideline says
    settings = ["ingest.min_words=0", "ingest.dedup.near_duplicate_threshold=1.0"]
    ingested = Runner(all_stages(), load_config(None, settings), corpus,
                      tmp_path / "ingest").run(["ingest"])
    texts = {d["id"]: d["text"] for d in ingested.outputs["ingest"]["corpus.jsonl"]}
    assert len(texts) == 5
    gold = tmp_path / "passages.jsonl"
    gold.write_text("".join(json.dumps(gold_record(doc_id, text, [
        typed(text, text[text.index("De financiering"):text.index(".", text.index(
            "De financiering")) + 1], "knelpunt")])) + "\n"
        for doc_id, text in texts.items()), encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "lessons", "--gold", str(gold), "--texts",
                                      str(corpus), "--out", str(tmp_path / "out"),
                                      "--no-embeddings", "-q", "--set", settings[0], "--set",
                                      settings[1]])
    assert result.exit_code == 0, result.output
    assert "cross_validated" in result.output and "knelpunt" in result.output
    report = json.loads((tmp_path / "out" / "metrics_lessons.json").read_text())
    assert report["cues"]["knelpunt"]["recall"] == 1.0 and report["skipped"] == []
