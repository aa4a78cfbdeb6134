"""The themes stage on small synthetic corpora whose answer is known: assignments, what a
theme carries, aggregation, profiles, determinism, small-corpus behaviour and errors."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest
from helpers import document_with_paragraphs

from pipeline.config import load_config
from pipeline.embed.backends import CombinedEncoder
from pipeline.embed.units import make_units
from pipeline.errors import UsageError
from pipeline.settings import Settings
from pipeline.themes.aggregate import document_weights, main_theme, theme_documents
from pipeline.themes.metrics import label_metrics
from pipeline.themes.profile import names_of, theme_profile
from pipeline.themes.stage import compute_themes

POOLS = {
    "jongeren": [
        "Jongeren zonder startkwalificatie vinden via het jongerenloket een leerwerkplek.",
        "De school begeleidt schoolverlaters naar een stage bij een technisch bedrijf.",
        "Voortijdig schoolverlaters krijgen een jongerencoach die hen thuis opzoekt.",
        "Het jongerenloket werkt samen met het mbo en de leerplichtambtenaar.",
        "Veel jongeren halen alsnog een diploma via een bbl-opleiding.",
        "NEET-jongeren worden per wijk opgespoord door jongerenwerkers.",
        "Studenten van het roc lopen stage en krijgen daarna vaak een contract.",
        "De leerplichtambtenaar belt schoolverlaters die niet zijn ingeschreven.",
    ],
    "flex": [
        "Uitzendbureaus en de gemeente sluiten een convenant over publiek-private samenwerking.",
        "Het uitzendbureau plaatst werkzoekenden uit de bijstand bij opdrachtgevers.",
        "Servicepunt Flex ondersteunt de samenwerking tussen UWV en de uitzendbranche.",
        "Detacheringsbureaus nemen kandidaten in dienst op een uitzendcontract.",
        "De ABU en de NBBU tekenden het convenant namens de flexbranche.",
        "Intercedenten van Randstad en Tempo-Team spreken wekelijks met consulenten.",
        "Flexwerkers met een uitkering krijgen via de uitzendbranche weer werk.",
        "Het convenant regelt dat uitzendbureaus vacatures eerst aan de gemeente melden.",
    ],
    "taal": [
        "Statushouders volgen taalles en een inburgeringscursus naast hun werk.",
        "Vluchtelingen met een verblijfsvergunning werken met een taalcoach in de zorg.",
        "Nieuwkomers leren Nederlands op de werkvloer met hulp van een taalmaatje.",
        "Vergunninghouders uit Syrie en Eritrea lopen een werkstage in de techniek.",
        "De inburgering wordt gecombineerd met een traject naar betaald werk.",
        "Een tolk helpt statushouders bij het eerste gesprek met de werkgever.",
        "Taalvaardigheid blijkt voor vluchtelingen de grootste drempel naar werk.",
        "Nieuwkomers krijgen een buddy die de Nederlandse werkcultuur uitlegt.",
    ],
}


def synthetic_documents(n_per_topic: int = 14, seed: int = 0) -> tuple[list[dict], dict]:
    """Documents of three clearly separated topics, three paragraphs each, and the answer."""
    rng = random.Random(seed)
    documents, truth = [], {}
    for topic, pool in POOLS.items():
        for i in range(n_per_topic):
            paragraphs = [" ".join(rng.sample(pool, 3)) for _ in range(3)]
            doc_id = f"{topic}-{i:02d}"
            documents.append(document_with_paragraphs(doc_id, paragraphs))
            truth[doc_id] = topic
    return documents, truth


def write_corpus(folder: Path, n_per_topic: int = 5, seed: int = 0) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    documents, truth = synthetic_documents(n_per_topic, seed)
    for doc in documents:
        (folder / f"{doc['id']}.txt").write_text(doc["text"], encoding="utf-8")
    return truth


def themes_for(documents: list[dict], *overrides: str, entity_docs=None):
    settings = load_config(None, list(overrides))
    units = make_units(documents, settings.themes.unit, settings.themes.segment)
    by_id = {d["id"]: d for d in documents}
    texts = [by_id[u["doc_id"]]["text"][u["start"]:u["end"]] for u in units]
    embeddings = CombinedEncoder(settings.embed, texts).encode(texts)
    return compute_themes(documents, units, embeddings, settings, entity_docs)


FAST = ("embed.backend=tfidf-svd", "themes.metrics.stability_seeds=0")


def test_three_separated_topics_are_recovered_exactly():
    documents, truth = synthetic_documents()
    out = themes_for(documents, *FAST, "themes.unit=document", "themes.reduce.method=none",
                     "themes.cluster.algorithm=kmeans", "themes.cluster.n_clusters=3")
    rows = out["document_themes.jsonl"]
    scores = label_metrics([truth[r["id"]] for r in rows], [r["main_theme"] for r in rows])
    assert scores["nmi"] == 1.0 and scores["ari"] == 1.0 and scores["unassigned_share"] == 0
    themes = out["themes.json"]["themes"]
    assert len(themes) == 3 and sorted(t["size"]["documents"] for t in themes) == [14, 14, 14]
    # each theme's terms come from its own topic's vocabulary
    words = {topic: set(re.findall(r"\w+", " ".join(pool).lower()))
             for topic, pool in POOLS.items()}
    for theme in themes:
        topic = truth[theme["documents"][0]]
        assert all(set(t["term"].split()) <= words[topic] for t in theme["terms"][:5])
        others = set().union(*(w for name, w in words.items() if name != topic))
        assert any(t["term"].split()[0] not in others for t in theme["terms"][:3])
    metrics = out["metrics_themes.json"]
    assert metrics["themes"] == 3 and metrics["outlier_share_units"] == 0.0
    assert metrics["silhouette"] > 0.2
    assert metrics["npmi"] > 0


def test_what_a_theme_carries_and_curated_labels():
    documents, _ = synthetic_documents()
    entity_docs = [{"id": d["id"], "pps": d["id"].startswith("flex"),
                    "regions": {"gemeenten": ["GM0014"], "arbeidsmarktregios": ["AM01"],
                                "provincies": ["PV20"]},
                    "partners": [{"id": "ORG:uwv", "name": "UWV"}],
                    "doelgroepen": ["DG:jongeren"] if d["id"].startswith("jong") else [],
                    "entities": [{"id": "GM0014", "name": "Groningen"}]}
                   for d in documents]
    out = themes_for(documents, *FAST, "themes.cluster.algorithm=kmeans",
                     "themes.cluster.n_clusters=3", "themes.reduce.method=none",
                     "themes.catalogue.label_min_similarity=0.05", entity_docs=entity_docs)
    themes = {t["documents"][0].split("-")[0]: t for t in out["themes.json"]["themes"]}
    flex, youth = themes["flex"], themes["jongeren"]
    assert flex["curated_label"] == "Publiek-private samenwerking met de uitzendbranche"
    assert youth["curated_label"] == "Jongeren aan het werk"
    assert flex["profile"]["pps_share"] == 1.0 and youth["profile"]["pps_share"] == 0.0
    assert youth["profile"]["doelgroepen"][0] == {"id": "DG:jongeren", "name": "DG:jongeren",
                                                  "documents": 14, "share": 1.0}
    assert flex["profile"]["regions"]["gemeenten"][0]["name"] == "Groningen"
    assert flex["spread"] == {"documents": 14, "arbeidsmarktregios": 1, "provincies": 1,
                              "gemeenten": 1}
    assert flex["rode_draad"] and flex["share"]["units"] == pytest.approx(1 / 3, abs=0.05)
    assert len(flex["passages"]) == 3
    assert len({p["doc_id"] for p in flex["passages"]}) == 3   # three different stories
    by_id = {d["id"]: d for d in documents}
    for passage in flex["passages"]:
        text = by_id[passage["doc_id"]]["text"][passage["start"]:passage["end"]]
        assert text.startswith(passage["excerpt"].removesuffix(" ...")[:50])
    # hierarchy: every theme has a parent node
    nodes = {n["id"]: n for n in out["themes.json"]["hierarchy"]}
    assert all(t["parent"] in nodes for t in themes.values())


def test_same_inputs_and_config_give_the_same_assignments():
    documents, _ = synthetic_documents(n_per_topic=10)
    args = ("embed.backend=tfidf-svd", "themes.metrics.stability_seeds=2",
            "themes.hierarchy=false")
    first = themes_for(documents, *args)["theme_units.jsonl"]
    second = themes_for(documents, *args)["theme_units.jsonl"]
    assert [u["theme"] for u in first] == [u["theme"] for u in second]
    assert len({u["theme"] for u in first}) >= 2


def test_default_config_on_a_small_corpus_gives_pure_themes_and_no_outliers():
    # 42 stories as in the bundled corpus, default backend (USE) and clustering (consensus)
    documents, truth = synthetic_documents(n_per_topic=14, seed=3)
    out = themes_for(documents, "themes.metrics.stability_seeds=0")
    metrics = out["metrics_themes.json"]
    resolved = out["themes.json"]["resolved"]
    assert metrics["themes"] == resolved["n_clusters"]        # consensus: exactly k themes
    assert metrics["outlier_share_units"] == 0.0              # ... and none left over
    # Properties any machine keeps (the number of themes per topic depends on floats):
    # every theme is about one topic, and every topic has a theme.
    topic_of = {d["id"]: truth[d["id"]] for d in documents}
    per_theme: dict[int, list[str]] = {}
    for unit in out["theme_units.jsonl"]:
        per_theme.setdefault(unit["theme"], []).append(topic_of[unit["doc_id"]])
    for topics in per_theme.values():
        assert max(topics.count(t) for t in set(topics)) / len(topics) >= 0.9, topics
    assert {max(set(t), key=t.count) for t in per_theme.values()} == set(truth.values())
    # auto: sqrt(units / 2) themes, about 120 paragraph units here
    assert 110 <= resolved["n_units"] <= 126 and resolved["n_clusters"] in (7, 8)


def test_too_small_corpus_is_a_usage_error_with_a_hint():
    documents, _ = synthetic_documents(n_per_topic=1)
    with pytest.raises(UsageError) as error:
        themes_for(documents, *FAST, "themes.unit=document")
    assert error.value.code == "RD240" and "3 unit(s)" in error.value.message
    assert "themes.unit" in error.value.hint


# -- plain functions ------------------------------------------------------------------------


def test_document_weights_are_length_weighted_and_keep_outliers():
    units = [{"doc_id": "a", "n_words": 30}, {"doc_id": "a", "n_words": 10},
             {"doc_id": "a", "n_words": 60}, {"doc_id": "b", "n_words": 5}]
    weights = document_weights(units, [0, -1, 1, -1], ["a", "b", "c"])
    assert weights["a"] == {-1: 0.1, 0: 0.3, 1: 0.6}
    assert weights["b"] == {-1: 1.0} and weights["c"] == {}
    assert main_theme(weights["a"]) == 1 and main_theme(weights["b"]) == -1
    assert main_theme({0: 0.5, 1: 0.5}) == 0
    assert theme_documents(weights, 0.35) == {1: {"a": 0.6}}
    assert theme_documents(weights, 0.2) == {0: {"a": 0.3}, 1: {"a": 0.6}}


def test_theme_profile_counts_documents_not_mentions():
    docs = {
        "d1": {"pps": True, "regions": {"gemeenten": ["GM1", "GM1"], "arbeidsmarktregios": ["AM1"],
                                        "provincies": ["PV1"]},
               "partners": [{"id": "ORG:uwv"}, {"id": "ACTOR:uitzendbureaus"}],
               "doelgroepen": ["DG:jongeren"]},
        "d2": {"pps": False, "regions": {"gemeenten": ["GM2"], "arbeidsmarktregios": ["AM1"],
                                         "provincies": ["PV2"]},
               "partners": [{"id": "ORG:uwv"}], "doelgroepen": []},
        "d3": {"pps": True, "regions": {}, "partners": [], "doelgroepen": ["DG:jongeren"]},
    }
    names = names_of([{"entities": [{"id": "AM1", "name": "Twente"}],
                       "partners": [{"id": "ORG:uwv", "name": "UWV"}]}])
    profile = theme_profile(["d1", "d2", "missing"], docs, names, top=5)
    assert profile["documents_with_entities"] == 2 and profile["pps_share"] == 0.5
    assert profile["spread"] == {"arbeidsmarktregios": 1, "provincies": 2, "gemeenten": 2}
    assert profile["regions"]["arbeidsmarktregios"] == [
        {"id": "AM1", "name": "Twente", "documents": 2, "share": 1.0}]
    assert profile["organisations"][0] == {"id": "ORG:uwv", "name": "UWV", "documents": 2,
                                           "share": 1.0}
    assert profile["regions"]["gemeenten"][0]["documents"] == 1   # GM1 twice in one document
    assert theme_profile([], docs, names, 5)["pps_share"] is None


def test_zeroshot_and_guided_modes_run_on_the_catalogue():
    documents, truth = synthetic_documents(n_per_topic=10)
    zeroshot = themes_for(documents, *FAST, "themes.catalogue.mode=zeroshot",
                          "themes.catalogue.zeroshot_min_similarity=0.15",
                          "themes.unit=document", "themes.cluster.min_cluster_size=3")
    labels = {t["curated_label"] for t in zeroshot["themes.json"]["themes"]}
    assert "Statushouders en inburgering" in labels
    guided = themes_for(documents, *FAST, "themes.catalogue.mode=guided",
                        "themes.unit=document", "themes.cluster.algorithm=kmeans",
                        "themes.cluster.n_clusters=3", "themes.reduce.method=none")
    rows = guided["document_themes.jsonl"]
    assert label_metrics([truth[r["id"]] for r in rows],
                         [r["main_theme"] for r in rows])["nmi"] == 1.0


def test_embeddings_are_not_modified_by_guided_modelling():
    documents, _ = synthetic_documents(n_per_topic=8)
    settings = load_config(None, [*FAST, "themes.catalogue.mode=guided", "themes.unit=document",
                                  "themes.cluster.algorithm=kmeans", "themes.cluster.n_clusters=3",
                                  "themes.reduce.method=none"])
    units = make_units(documents, "document", settings.themes.segment)
    texts = [d["text"] for d in documents]
    embeddings = CombinedEncoder(settings.embed, texts).encode(texts)
    before = embeddings.copy()
    compute_themes(documents, units, embeddings, settings)
    assert np.array_equal(before, embeddings)


def test_consensus_clustering_is_exact_on_separated_topics_and_stable_across_seeds():
    documents, truth = synthetic_documents(n_per_topic=12)
    out = themes_for(documents, "embed.backend=tfidf-svd", "themes.unit=document",
                     "themes.cluster.algorithm=consensus", "themes.cluster.n_clusters=3",
                     "themes.cluster.members=3", "themes.reduce.n_epochs=50",
                     "themes.metrics.stability_seeds=2", "themes.hierarchy=false")
    rows = out["document_themes.jsonl"]
    assert label_metrics([truth[r["id"]] for r in rows],
                         [r["main_theme"] for r in rows])["nmi"] == 1.0
    assert out["metrics_themes.json"]["stability_ari"] == 1.0
    assert out["themes.json"]["resolved"]["member_clusters"] == 3


def test_consensus_members_combine_by_agreement():
    from pipeline.themes.consensus import ConsensusClustering

    # two tight, far-apart groups: every k-means member splits them the same way, so the
    # co-association is 1 within a group and 0 across, and the consensus must follow it
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(0, 0.05, (10, 2)), rng.normal(5, 0.05, (10, 2))])
    labels = ConsensusClustering(2, members=4, member_clusters=2, layouts=None,
                                 seed=1).fit(points).labels_
    assert len(set(labels[:10])) == 1 and len(set(labels[10:])) == 1
    assert labels[0] != labels[10]


def test_hdbscan_outliers_are_reduced_or_reported_never_dropped():
    documents, _ = synthetic_documents(n_per_topic=10, seed=5)
    # a story about something else entirely, so there is an outlier to find
    documents.append({"id": "fietspad", "text": "De provincie legt een nieuw fietspad aan "
                      "langs het kanaal. Het asfalt is rood en de lantaarns branden op zonne-"
                      "energie. Wielrenners zijn blij met de brede berm.", "paragraphs": []})
    kept = themes_for(documents, *FAST, "themes.unit=document",
                      "themes.cluster.algorithm=hdbscan", "themes.reduce.method=none",
                      "themes.outliers.strategy=none")
    units = kept["theme_units.jsonl"]
    assert len(units) == 31                                   # every unit is listed
    outliers = [u for u in units if u["theme"] == -1]
    assert outliers and kept["themes.json"]["outliers"]["units"] == len(outliers)
    doc_rows = {r["id"]: r for r in kept["document_themes.jsonl"]}
    assert doc_rows["fietspad"]["main_theme"] == -1
    assert "fietspad" in kept["themes.json"]["outliers"]["documents"]
    assert doc_rows["fietspad"]["outlier_weight"] == 1.0

    reduced = themes_for(documents, *FAST, "themes.unit=document",
                         "themes.cluster.algorithm=hdbscan", "themes.reduce.method=none",
                         "themes.outliers.threshold=0.2")
    metrics = reduced["metrics_themes.json"]
    assert metrics["outlier_units_before_reduction"] == len(outliers)
    assert metrics["outlier_share_units"] == round(len(outliers) / 31, 4)
    # the unrelated story is below the similarity threshold of every theme: it stays
    # unassigned and reported instead of being forced into a theme
    assert {r["id"]: r for r in reduced["document_themes.jsonl"]}["fietspad"]["main_theme"] == -1


def test_nr_topics_reduces_the_themes_bertopic_found():
    documents, _ = synthetic_documents(n_per_topic=8)
    out = themes_for(documents, *FAST, "themes.unit=document", "themes.reduce.method=none",
                     "themes.cluster.algorithm=kmeans", "themes.cluster.n_clusters=6",
                     "themes.nr_topics=2", "themes.hierarchy=false")
    assert out["metrics_themes.json"]["themes"] == 2
    assert {r["main_theme"] for r in out["document_themes.jsonl"]} == {0, 1}


def test_place_names_found_by_the_entity_stage_are_not_theme_terms():
    from pipeline.themes.vocabulary import corpus_words, entity_stop_words

    texts = ["In Tilburg en Midden-Brabant werken UWV en de gemeente samen.",
             "Het loket staat midden in de wijk."]
    mentions = [{"entities": [{"type": "REGION", "text": "Tilburg"},
                              {"type": "REGION", "text": "Midden-Brabant"},
                              {"type": "ORGANISATION", "text": "UWV"}]}]
    pattern = Settings().themes.vectorizer.token_pattern
    words = corpus_words(texts, pattern)
    # a hyphenated name is one term, so "midden" as an ordinary word is never touched
    assert entity_stop_words(mentions, ["REGION"], words, pattern) == {"tilburg",
                                                                       "midden-brabant"}
    assert entity_stop_words(mentions, ["REGION", "ORGANISATION"], words, pattern) == \
        {"tilburg", "midden-brabant", "uwv"}
    assert entity_stop_words(mentions, [], words, pattern) == set()

    # in the themes stage: every 'taal' story is set in Zwolle, so without the entity stop
    # words 'zwolle' is one of that theme's top terms
    documents, truth = synthetic_documents()
    documents = [document_with_paragraphs(doc["id"], [
        paragraph + (" Het taalhuis in Zwolle helpt." if truth[doc["id"]] == "taal" else "")
        for paragraph in doc["text"].split("\n\n")]) for doc in documents]
    entity_docs = [{"id": d["id"], "entities": [{"type": "REGION", "text": "Zwolle"}]}
                   for d in documents]
    options = (*FAST, "themes.unit=document", "themes.reduce.method=none",
               "themes.cluster.algorithm=kmeans", "themes.cluster.n_clusters=3")

    def terms(*extra):
        out = themes_for(documents, *options, *extra, entity_docs=entity_docs)
        return {t["term"] for theme in out["themes.json"]["themes"] for t in theme["terms"]}

    assert "zwolle" in terms("themes.vectorizer.entity_stop_words=[]",
                             "themes.vectorizer.name_stop_words=false")
    assert not any("zwolle" in term for term in terms())


def test_classical_scaling_keeps_the_distances_and_is_deterministic():
    from pipeline.themes.figures import classical_mds

    points = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0], [3.0, 4.0], [1.0, 1.0]])
    distances = np.linalg.norm(points[:, None] - points[None, :], axis=-1)
    placed = classical_mds(distances)
    assert np.allclose(np.linalg.norm(placed[:, None] - placed[None, :], axis=-1), distances)
    assert np.array_equal(placed, classical_mds(distances.copy()))
    assert classical_mds(np.zeros((1, 1))).shape == (1, 2)


def test_figures_show_every_theme_with_its_placeholder_label():
    import json

    documents, _ = synthetic_documents(n_per_topic=6)
    settings = load_config(None, [*FAST, "themes.unit=document", "themes.reduce.method=none",
                                  "themes.cluster.algorithm=kmeans",
                                  "themes.cluster.n_clusters=3"])
    units = make_units(documents, settings.themes.unit, settings.themes.segment)
    texts = [d["text"] for d in documents]
    embeddings = CombinedEncoder(settings.embed, texts).encode(texts)
    drawn = compute_themes(documents, units, embeddings, settings, figures=True)["_figures"]
    assert drawn["not_made"] == {}
    distance_map = json.loads(drawn["figures"]["intertopic_distance_map"])
    bubbles = distance_map["data"][0]
    assert sorted(bubbles["text"]) == ["⟦T0⟧", "⟦T1⟧", "⟦T2⟧"]
    assert sorted(size for size, _ in bubbles["customdata"]) == [6, 6, 6]
    places = zip(bubbles["x"], bubbles["y"], strict=True)
    assert len({(round(x, 6), round(y, 6)) for x, y in places}) == 3


def occurs_as_written(term: str, texts: list[str]) -> bool:
    """``term`` stands in one of ``texts`` as written, lower-cased: its words next to each
    other with only white space between them."""
    pattern = re.compile(r"(?<![\w'’-])" + r"\s+".join(map(re.escape, term.split()))
                         + r"(?![\w])(?!['’-]\w)")
    return any(pattern.search(text.lower()) for text in texts)


def test_theme_terms_are_words_as_they_occur_in_the_text():
    """Hyphens, apostrophes and diacritics stay (BERTopic's English preprocessing would strip
    them), and no two-word term joins words a stop word or a full stop stood between."""
    rng = random.Random(4)
    pools = {
        "regio": ["Werkgevers in West-Brabant zoeken collega's.",
                  "De WW'ers uit Midden-Brabant krijgen financiële steun.",
                  "Samenwerking met de gemeente gaat goed.", "Regionale samenwerking helpt."],
        "zorg": ["Zorgmedewerkers en verpleegkundigen werken in het ziekenhuis.",
                 "Het ziekenhuis leidt zij-instromers op.", "Verpleegkundigen krijgen scholing.",
                 "Zorginstellingen zoeken personeel."],
    }
    documents = []
    for topic, pool in pools.items():
        for i in range(8):
            paragraphs = [" ".join(rng.sample(pool, 3)) for _ in range(3)]
            documents.append(document_with_paragraphs(f"{topic}-{i}", paragraphs))
    out = themes_for(documents, *FAST, "themes.unit=document", "themes.reduce.method=none",
                     "themes.cluster.algorithm=kmeans", "themes.cluster.n_clusters=2",
                     "ingest.min_words=0")
    texts = [d["text"] for d in documents]
    terms = [t["term"] for theme in out["themes.json"]["themes"] for t in theme["terms"]]
    assert terms and all(occurs_as_written(term, texts) for term in terms), terms
    assert {"collega's", "financiële", "ww'ers"} <= set(terms)
    assert "west-brabant" not in terms           # a name, written only with a capital
    assert "samenwerking gemeente" not in terms


def test_names_and_narrative_verbs_are_not_theme_terms():
    from pipeline.themes.vocabulary import corpus_words, name_words, narrative_words

    pattern = Settings().themes.vectorizer.token_pattern
    texts = ["Ellen Verhage van UWV in West-Brabant zegt: werkgevers zoeken mensen.",
             "Werkgevers durfde ze te bellen. Toen dacht Ellen: dit werkt. Het UWV helpt."]
    # title-case only: names; UWV (capitals) and Werkgevers (also lower case) stay
    words = corpus_words(texts, pattern)
    assert name_words(words) == {"ellen", "verhage", "west-brabant", "toen", "het"}
    assert narrative_words(words, ["zeggen", "denken", "durven"]) == {
        "zegt", "dacht", "durfde"}
    assert narrative_words(words, []) == set()


def test_a_catalogue_label_needs_the_themes_words_to_agree():
    """The centroid is closest to "Van werk naar werk", but the theme's units are about
    statushouders and never name its seed words: no label rather than a wrong one."""
    from pipeline.themes.catalogue import CatalogueEntry
    from pipeline.themes.describe import curated_labels, seed_lift

    catalogue = [CatalogueEntry("Van werk naar werk", ("mobiliteit", "ontslag")),
                 CatalogueEntry("Statushouders en inburgering", ("statushouders", "taal"))]
    texts = ["Statushouders volgen taallessen.", "Nieuwkomers en statushouders aan het werk.",
             "Na ontslag helpt het mobiliteitscentrum.", "Mobiliteit van werk naar werk."]
    topics = np.array([0, 0, 1, 1])
    lift = seed_lift(texts, topics, [0, 1], catalogue)
    assert lift[0, 1] == 2.0 and lift[0, 0] == 0.0 and lift[1, 0] == 2.0

    def encode(items):   # both themes' centroids point at the first entry
        return np.array([[1.0, 0.0], [0.6, 0.8]])[:len(items)]

    centres = np.array([[1.0, 0.0], [0.9, 0.1]])
    centres = centres / np.linalg.norm(centres, axis=1, keepdims=True)
    by_similarity = curated_labels(centres, catalogue, encode, 0.35)
    assert by_similarity[0][0] == "Van werk naar werk"           # what went wrong before
    labels = curated_labels(centres, catalogue, encode, 0.35, lift, 1.5)
    assert labels[0][0] == "Statushouders en inburgering"
    assert labels[1][0] == "Van werk naar werk"
