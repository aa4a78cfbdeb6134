"""The themes commands end to end: evaluate themes, sweep, compare, and their errors."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner
from test_themes import synthetic_documents

from pipeline.cli import cli

FAST = ["--set", "embed.backend=tfidf-svd", "--set", "themes.unit=document",
        "--set", "themes.reduce.method=none", "--set", "themes.cluster.algorithm=kmeans",
        "--set", "themes.cluster.n_clusters=3", "--set", "themes.metrics.stability_seeds=2",
        "--set", "ingest.min_words=0", "--set", "ingest.dedup.near_duplicate_threshold=1.0",
        "--set", "themes.hierarchy=false", "-q"]


def _labelled_jsonl(tmp_path):
    documents, truth = synthetic_documents(n_per_topic=6)
    path = tmp_path / "labelled.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for doc in documents:
            handle.write(json.dumps({"id": doc["id"], "text": doc["text"],
                                     "topic": truth[doc["id"]]}) + "\n")
    return path


def test_evaluate_themes_on_a_jsonl_corpus(tmp_path):
    data = _labelled_jsonl(tmp_path)
    result = CliRunner().invoke(cli, ["evaluate", "themes", "--corpus", str(data), "--labels",
                                      str(data), "--label-field", "topic",
                                      "--out", str(tmp_path / "out"), *FAST])
    assert result.exit_code == 0, result.output
    assert "NMI" in result.output
    report = json.loads((tmp_path / "out" / "latest" / "evaluation_themes.json").read_text())
    assert report["documents"] == 18 and report["nmi"] == 1.0 and report["ami"] == 1.0
    # plain k-means on the same document vectors, for comparison, and the top-2 hit rate
    assert "k-means AMI / NMI (k=3)" in result.output and set(report["kmeans"]) == {"3"}
    assert report["top2_hit_rate"] == 1.0
    assert report["unassigned_share"] == 0.0 and report["metrics_themes"]["stability_ari"] == 1.0
    assert (tmp_path / "out" / "latest" / "metrics_themes.json").is_file()


def test_labels_without_the_field_is_a_usage_error(tmp_path):
    data = _labelled_jsonl(tmp_path)
    result = CliRunner().invoke(cli, ["evaluate", "themes", "--corpus", str(data), "--labels",
                                      str(data), "--label-field", "theme_main",
                                      "--out", str(tmp_path / "out"), *FAST])
    assert result.exit_code == 2
    assert "RD246" in result.output and "no field 'theme_main'" in result.output
    assert "topic" in result.output            # the hint lists the fields there are
    assert "Traceback" not in result.output


def test_sweep_writes_one_row_per_combination_and_compare_shows_differences(tmp_path):
    data = _labelled_jsonl(tmp_path)
    out = tmp_path / "out"
    target = tmp_path / "sweep.csv"
    result = CliRunner().invoke(cli, ["sweep", "--corpus", str(data), "--out", str(out),
                                      "--grid", "themes.cluster.n_clusters=2,3",
                                      "--grid", "themes.vectorizer.ngram_range=[1,1],[1,2]",
                                      "--labels", str(data), "--label-field", "topic",
                                      "--csv", str(target), *FAST])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(open(target, encoding="utf-8")))
    assert [(r["themes.cluster.n_clusters"], r["themes.vectorizer.ngram_range"])
            for r in rows] == [("2", "[1, 1]"), ("2", "[1, 2]"), ("3", "[1, 1]"),
                               ("3", "[1, 2]")]
    assert [r["themes"] for r in rows] == ["2", "2", "3", "3"]
    assert float(rows[2]["nmi"]) == 1.0 and float(rows[0]["nmi"]) < 1.0

    runner = CliRunner()
    folder = str(next((out / "eval-corpora").iterdir()))   # the linked .jsonl corpus
    first = runner.invoke(cli, ["run", "--corpus", folder, "--out", str(out), *FAST])
    assert first.exit_code == 0, first.output
    run_a = (out / "latest").resolve().name
    second = runner.invoke(cli, ["run", "--corpus", folder, "--out", str(out), *FAST,
                                 "--set", "themes.cluster.n_clusters=2"])
    assert second.exit_code == 0, second.output
    compared = runner.invoke(cli, ["compare", run_a, "latest", "--out", str(out)])
    assert compared.exit_code == 0, compared.output
    assert "themes.cluster.n_clusters" in compared.output
    line = next(x for x in compared.output.splitlines() if "metrics_themes.themes " in x + " ")
    assert line.split()[1:4] == ["3", "2", "-1"]
    missing = runner.invoke(cli, ["compare", run_a, "no-such-run", "--out", str(out)])
    assert missing.exit_code == 2 and "RD248" in missing.output


def test_bad_grid_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["sweep", "--grid", "themes.cluster.n_clusters",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 2 and "RD247" in result.output


def test_evaluate_stability_counts_every_curated_label(tmp_path):
    """Separated topics, so any machine finds them: every label kept, none silent."""
    data = _labelled_jsonl(tmp_path)
    result = CliRunner().invoke(cli, [
        "evaluate", "stability", "--corpus", str(data), "--out", str(tmp_path / "out"),
        "--draws", "2", "--seeds", "1", "--share", "0.2", "--scenario", "add",
        "--scenario", "remove", "--scenario", "reseed", *FAST,
        "--set", "themes.cluster.algorithm=consensus", "--set", "themes.cluster.members=4"])
    assert result.exit_code == 0, result.output
    assert "kept" in result.output and "silent" in result.output
    report = json.loads((tmp_path / "out" / "stability" / "stability.json").read_text())
    summary = report["summary"]
    assert [summary[s]["runs"] for s in ("add", "remove", "reseed")] == [2, 2, 1]
    for scenario in summary.values():
        assert scenario["silent"] == 0 and scenario["kept_share"] == 1.0
        assert scenario["labels"] == scenario["measured"] + scenario["removed"]
    fates = [f for rows in report["scenarios"].values() for r in rows for f in r["fates"]]
    assert fates and all(f["fate"] == "kept" and f["overlap"] >= 0.6 for f in fates)


def test_a_label_gone_without_a_report_counts_as_silent():
    from pipeline.export.stability import _fates

    before = [{"id": 0, "documents": ["a", "b"]}, {"id": 1, "documents": ["c", "d"]},
              {"id": 2, "documents": ["e"]}]
    after = {"themes": [{"id": 0, "curated_label": "L0", "documents": ["a", "b", "x"]}],
             "curation": {"review": [], "stale_details": [
                 {"theme": 2, "went_to": [], "share_no_longer_in_corpus": 1.0}]}}
    fates = _fates(before, after, {0: "L0", 1: "L1", 2: "L2"}, {"a", "b", "c", "d"}, 0.6)
    assert [f["fate"] for f in fates] == ["kept", "silent", "removed"]
