"""The lessons stage in a run: typed passages and figures per document, offsets into the
text, totals of results only, and the per-document cache."""

from __future__ import annotations

from pipeline.config import load_config
from pipeline.runner import Runner
from pipeline.stages import all_stages

STORIES = {
    "zorg-emmen": ("In Emmen begon in 2022 een leerwerktraject voor zij-instromers in de zorg. "
                   "Het succes zit in de korte lijnen met de werkgevers. De financiering bleef "
                   "lastig. In totaal vonden 45 deelnemers een baan. Het doel is dat volgend "
                   "jaar 100 mensen aan het werk zijn. De aanpak wordt regulier beleid."),
    "bouw-assen": ("De bouwopleiding in Assen is in 2021 gestart met statushouders en "
                   "werkzoekenden uit de bijstand. Wat goed werkt is de vaste begeleider op de "
                   "bouwplaats. Er zijn 12 kandidaten geplaatst bij bouwbedrijven in de regio. "
                   "We willen 30 plaatsingen halen. Andere regio's nemen de aanpak over."),
}
FAST = ["ingest.min_words=0", "ingest.dedup.near_duplicate_threshold=1.0"]


def run(tmp_path, *extra):
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    for name, text in STORIES.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    settings = load_config(None, [*FAST, *extra])
    return Runner(all_stages(), settings, corpus, tmp_path / "out").run(["lessons"])


def test_lessons_are_typed_passages_with_figures_at_their_offsets(tmp_path):
    result = run(tmp_path)
    texts = {d["id"]: d["text"] for d in result.outputs["ingest"]["corpus.jsonl"]}
    records = {r["id"]: r for r in result.outputs["lessons"]["lessons.jsonl"]}
    for doc_id, record in records.items():
        for p in record["passages"]:
            assert texts[doc_id][p["start"]:p["end"]] == p["text"]
            for q in p["quantities"]:
                assert texts[doc_id][q["start"]:q["end"]] == q["text"]
    types = {p["type"] for p in records["zorg-emmen"]["passages"]}
    assert {"werkzaam_element", "knelpunt", "resultaat", "vervolg"} <= types
    figures = [q for p in records["zorg-emmen"]["passages"] for q in p["quantities"]]
    assert {(q["value"], q["kind"]) for q in figures} >= {(45, "result"), (100, "target")}


def test_the_summary_adds_results_and_never_targets(tmp_path):
    summary = run(tmp_path).outputs["lessons"]["lessons_summary.json"]
    assert summary["result_totals"]["people"] == {"aan het werk": 45.0, "plaatsingen": 12.0}
    assert summary["figures_by_kind"]["target"] == 2


def test_lessons_are_cached_per_document_and_can_be_switched_off(tmp_path):
    run(tmp_path)
    again = run(tmp_path, "lessons.min_confidence=0.6")      # a new setting: computed again
    report = {r.name: r for r in again.reports}["lessons"]
    assert report.items["documents"]["computed"] == 2
    same = {r.name: r for r in run(tmp_path, "lessons.min_confidence=0.6").reports}
    assert same["lessons"].status == "cached"
    off = run(tmp_path, "lessons.enabled=false").outputs["lessons"]["lessons.jsonl"]
    assert all(r["passages"] == [] for r in off)
