"""UMAP layouts and encoder vectors are made once and remembered: a clustering-only re-run
makes none, a remembered layout is the one a fresh computation makes, and the stability
shortcut measures what full fits measure."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score
from test_themes import synthetic_documents, themes_for, write_corpus

from pipeline.config import load_config
from pipeline.embed.backends import CombinedEncoder, RememberedEncoder
from pipeline.embed.units import make_units
from pipeline.memo import memory_memo
from pipeline.runner import Runner
from pipeline.settings import Settings
from pipeline.stages import all_stages
from pipeline.themes import metrics
from pipeline.themes.auto import resolve
from pipeline.themes.catalogue import load_catalogue
from pipeline.themes.layout import Layouts
from pipeline.themes.model import (
    cluster_only,
    clustering_is_partition,
    fit_themes,
    make_layouts,
)
from pipeline.themes.vocabulary import stop_words


def counting(memo):
    """The memo, and a list that records how many items each call had to compute."""
    computed: list[int] = []

    def wrapped(name, items, compute):
        def counted(todo):
            todo = list(todo)
            computed.append(len(todo))
            return compute(iter(todo))
        return memo(name, items, counted)

    return wrapped, computed


def test_layouts_are_made_once_per_data_seed_and_parameters():
    points = np.random.default_rng(0).normal(size=(60, 8)).astype(np.float32)
    memo, computed = counting(memory_memo())
    settings = Settings().themes.reduce.model_copy(update={"n_epochs": 30})
    layouts = Layouts(settings, n_neighbors=10, n_components=3, memo=memo)

    first = layouts.many(points, [1, 2])
    again = layouts.many(points, [2, 1, 3])
    assert computed == [2, 1]                      # only seed 3 was new
    assert np.array_equal(first[0], again[1]) and np.array_equal(first[1], again[0])
    assert first[0].shape == (60, 3) and not np.array_equal(first[0], first[1])

    # a remembered layout is exactly what a fresh object computes
    fresh = Layouts(settings, n_neighbors=10, n_components=3).many(points, [3])
    assert np.array_equal(fresh[0], again[2])

    # other data, other reduce parameters or BERTopic's own neighbour search: new layouts
    Layouts(settings, 10, 3, memo).many(points[:50], [1])
    Layouts(settings.model_copy(update={"min_dist": 0.1}), 10, 3, memo).many(points, [1])
    Layouts(settings, 10, 3, memo).one(points, 1)
    assert computed == [2, 1, 1, 1, 1]


def test_clustering_only_rerun_makes_no_layouts_and_matches_a_fresh_run(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, n_per_topic=5)
    base = ["ingest.min_words=0", "ingest.dedup.near_duplicate_threshold=1.0",
            "embed.backend=tfidf-svd", "themes.cluster.members=3", "themes.reduce.n_epochs=30",
            "themes.hierarchy=false", "themes.segment.min_words=5"]

    def run(out: str, *extra: str):
        settings = load_config(None, [*base, *extra])
        result = Runner(all_stages(), settings, corpus, tmp_path / out).run(["themes"])
        return {r.name: r for r in result.reports}, result.outputs["themes"]

    first, _ = run("out", "themes.cluster.n_clusters=3")
    assert first["themes"].items["layouts"] == {"total": 9, "cached": 0, "computed": 9}

    second, themes = run("out", "themes.cluster.n_clusters=4")
    assert second["themes"].status == "ran"
    assert second["themes"].items["layouts"] == {"total": 9, "cached": 9, "computed": 0}

    # a reduce parameter is part of the layout: changing it lays out again
    third, _ = run("out", "themes.cluster.n_clusters=4", "themes.reduce.min_dist=0.05")
    assert third["themes"].items["layouts"]["computed"] == 9

    _, fresh = run("fresh", "themes.cluster.n_clusters=4")
    assert themes["theme_units.jsonl"] == fresh["theme_units.jsonl"]
    assert themes["metrics_themes.json"]["stability_ari"] == \
        fresh["metrics_themes.json"]["stability_ari"]


def test_stability_from_clusterings_equals_stability_from_full_fits():
    documents, _ = synthetic_documents(n_per_topic=8)
    overrides = ["embed.backend=tfidf-svd", "themes.cluster.members=3",
                 "themes.reduce.n_epochs=30", "themes.cluster.n_clusters=5",
                 "themes.hierarchy=false", "themes.metrics.stability_seeds=3"]
    settings = load_config(None, overrides)
    ts = settings.themes
    assert clustering_is_partition(ts, load_catalogue(ts.catalogue.path))
    out = themes_for(documents, *overrides)

    units = make_units(documents, ts.unit, ts.segment)
    by_id = {d["id"]: d for d in documents}
    texts = [by_id[u["doc_id"]]["text"][u["start"]:u["end"]] for u in units]
    embeddings = CombinedEncoder(settings.embed, texts).encode(texts)
    resolved = resolve(ts, len(units), len(documents))
    fits = [fit_themes(texts, embeddings, ts, resolved, settings.run.seed + i,
                       stop_words(ts.vectorizer), None, [], make_layouts(ts, resolved),
                       describe=False).topics for i in range(3)]
    # each seed's bare clustering is exactly that seed's full fit (true on any machine) ...
    for i, topics in enumerate(fits):
        bare = cluster_only(embeddings, ts, resolved, settings.run.seed + i,
                            make_layouts(ts, resolved))
        assert adjusted_rand_score(topics, bare) == 1.0
    # ... so the stage's stability figure is the one full fits give
    assert out["metrics_themes.json"]["stability_ari"] == round(metrics.stability(fits), 4)


def test_guided_or_merged_themes_are_not_the_bare_clustering():
    catalogue = load_catalogue(Settings().themes.catalogue.path)
    settings = Settings().themes
    assert clustering_is_partition(settings, catalogue)      # default: label mode
    guided = settings.model_copy(update={"catalogue": settings.catalogue.model_copy(
        update={"mode": "guided"})})
    assert not clustering_is_partition(guided, catalogue)
    assert not clustering_is_partition(settings.model_copy(update={"nr_topics": 5}), catalogue)
    hdbscan = settings.model_copy(update={"cluster": settings.cluster.model_copy(
        update={"algorithm": "hdbscan"})})
    assert not clustering_is_partition(hdbscan, catalogue)


def test_remembered_encoder_gives_the_combined_vectors_and_loads_nothing_when_known():
    settings = Settings().embed.model_copy(update={"backend": "tfidf-svd",
                                                   "lexical_weight": 0.5})
    texts = [d["text"] for d in synthetic_documents(n_per_topic=3)[0]]
    memo = memory_memo()
    words = ["taalcoach", "uitzendbureau", "jongerenloket"]
    first = RememberedEncoder(settings, texts, memo, "m1")
    vectors = first.encode(words)
    assert np.allclose(vectors, CombinedEncoder(settings, texts).encode(words), atol=1e-6)

    second = RememberedEncoder(settings, texts, memo, "m1")
    assert np.array_equal(second.encode(words[::-1]), vectors[::-1])
    assert second._encoder is None                   # every word came from the memo
    # another model or other unit texts (the lexical part is fitted on them): not reused
    other = RememberedEncoder(settings, texts[:-1], memo, "m1")
    other.encode(words[:1])
    assert other._encoder is not None
