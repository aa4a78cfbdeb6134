"""Entity evaluation: the metric code on a toy case worked out by hand, gold re-alignment, and
the bundled gold staying above the quality bar with the blank pipeline that runs here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.entities.evaluate import evaluate, load_gold, realign
from pipeline.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]


def mention(start, end, type_, id_):
    return {"start": start, "end": end, "type": type_, "id": id_}


def test_scores_match_a_hand_count():
    gold = {"d": [mention(0, 5, "REGION", "GM1"), mention(10, 15, "REGION", "GM2"),
                  mention(20, 23, "ORGANISATION", "ORG:a"), mention(30, 35, "REGION", "GM1")]}
    predicted = {"d": [mention(0, 5, "REGION", "GM1"), mention(10, 14, "REGION", "GM2"),
                       mention(40, 44, "REGION", "GM9"),
                       mention(20, 23, "ORGANISATION", "ORG:a")]}
    metrics = evaluate(predicted, gold)
    # spans: REGION tp 1 (0-5), fp 2 (10-14, 40-44), fn 2 (10-15, 30-35)
    assert metrics["span"]["REGION"] == {"precision": 0.3333, "recall": 0.3333, "f1": 0.3333,
                                         "tp": 1, "fp": 2, "fn": 2}
    # sets: REGION predicted {GM1, GM2, GM9} vs gold {GM1, GM2}: tp 2, fp 1, fn 0
    assert metrics["set"]["REGION"]["tp"] == 2 and metrics["set"]["REGION"]["fp"] == 1
    assert metrics["set"]["REGION"]["recall"] == 1.0
    assert metrics["set"]["ORGANISATION"]["f1"] == 1.0
    assert metrics["set"]["ALL"]["tp"] == 3
    assert {"document": "d", "type": "REGION", "error": "false positive",
            "id": "GM9"} in metrics["errors"]


def test_gold_document_missing_from_the_run_is_a_usage_error():
    with pytest.raises(UsageError, match="not in the run"):
        evaluate({}, {"d": []})


def test_realign_moves_spans_to_the_nearest_occurrence_and_drops_lost_ones():
    text = "UWV en Emmen. Later weer Emmen."
    gold = {"d": [{"start": 0, "end": 3, "text": "UWV", "type": "ORGANISATION", "id": "x"},
                  {"start": 22, "end": 27, "text": "Emmen", "type": "REGION", "id": "y"},
                  {"start": 2, "end": 6, "text": "Assen", "type": "REGION", "id": "z"}]}
    aligned, counts = realign(gold, {"d": text})
    assert [(e["start"], e["end"]) for e in aligned["d"]] == [(0, 3), (25, 30)]
    assert counts == {"realigned": 1, "unaligned": 1}


def test_malformed_gold_line_names_the_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "entities": []}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="line 2"):
        load_gold(path)


def test_bundled_gold_meets_the_quality_bar_with_the_blank_pipeline(cli, tmp_path,
                                                                    monkeypatch):
    monkeypatch.chdir(ROOT)
    result = cli("evaluate", "entities", "--out", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 0, result.output
    metrics = json.loads(next((tmp_path / "out" / "runs").glob("*/metrics_entities.json"))
                         .read_text(encoding="utf-8"))
    assert metrics["documents"] >= 15
    assert metrics["pipeline"]["fallback"] is True
    assert metrics["set"]["REGION"]["f1"] >= 0.90
    assert metrics["set"]["ORGANISATION"]["f1"] >= 0.90
    assert metrics["set"]["DOELGROEP"]["f1"] >= 0.85
    assert "REGION" in result.output and "precision" in result.output
