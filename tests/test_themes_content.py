"""Themes follow content, not voice: the unit choice, the target groups the clustering sees,
singular and plural as one term, short labels, catalogue candidates and the voice share."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.metrics import adjusted_mutual_info_score

from pipeline.embed.units import choose_unit
from pipeline.settings import Settings
from pipeline.themes.auto import auto_theme_count
from pipeline.themes.describe import short_label
from pipeline.themes.features import cluster_points, doelgroep_counts
from pipeline.themes.vocabulary import corpus_words, number_variants
from pipeline.themes.voice import voice_share, voice_words

PATTERN = Settings().themes.vectorizer.token_pattern


def words(n: int) -> str:
    return " ".join(["woord"] * n)


def test_unit_auto_takes_documents_for_short_stories_and_paragraphs_for_long_ones():
    segment = Settings().themes.segment
    short = [{"text": words(300)}, {"text": words(400)}, {"text": words(5000)}]
    unit, reason = choose_unit(short, "auto", segment)
    assert unit == "document" and "median document has 400 words" in reason
    long = [{"text": words(3000)}, {"text": words(2500)}, {"text": words(100)}]
    unit, reason = choose_unit(long, "auto", segment)
    assert unit == "paragraph" and "2500" in reason and "auto_document_words" in reason
    assert choose_unit(short, "paragraph", segment) == ("paragraph", "themes.unit: paragraph")


def test_auto_theme_count_follows_the_documents_whatever_the_unit():
    assert auto_theme_count(48, 48) == 14                  # one unit per story
    assert auto_theme_count(384, 48) == 14                 # eight paragraphs per story
    assert auto_theme_count(5, 5) == 4
    assert auto_theme_count(100_000, 100_000) == 60


def _mention(start: int, group: str) -> dict:
    return {"type": "DOELGROEP", "start": start, "end": start + 5, "id": group}


def test_doelgroep_counts_place_each_mention_in_its_unit():
    units = [{"doc_id": "a", "start": 0, "end": 100}, {"doc_id": "a", "start": 100, "end": 200},
             {"doc_id": "b", "start": 0, "end": 50}]
    entity_docs = [{"id": "a", "entities": [_mention(10, "DG:jongeren"), _mention(99, "DG:ww"),
                                            _mention(100, "DG:jongeren"),
                                            {"type": "REGION", "start": 5, "id": "GM1"}]},
                   {"id": "b", "entities": [_mention(60, "DG:ww")]}]      # outside its unit
    counts = doelgroep_counts(units, entity_docs)
    # columns: DG:jongeren, DG:ww
    assert counts.tolist() == [[1, 1], [1, 0], [0, 0]]


def test_cluster_points_add_groups_only_with_a_weight_and_stay_unit_length():
    units = [{"doc_id": "a", "start": 0, "end": 10}, {"doc_id": "b", "start": 0, "end": 10}]
    embeddings = np.array([[3.0, 4.0], [1.0, 0.0]], dtype=np.float32)
    entity_docs = [{"id": "a", "entities": [_mention(0, "DG:jongeren")]}, {"id": "b"}]
    assert cluster_points(embeddings, units, entity_docs, 0.0) is embeddings
    assert cluster_points(embeddings, units, None, 1.0) is embeddings
    points = cluster_points(embeddings, units, entity_docs, 1.0)
    assert points.shape == (2, 3)
    assert np.allclose(np.linalg.norm(points, axis=1), 1.0)
    assert np.allclose(points[0], [0.6 / np.sqrt(2), 0.8 / np.sqrt(2), 1 / np.sqrt(2)])
    assert np.allclose(points[1], [1.0, 0.0, 0.0])        # no group named: direction kept


def test_stories_told_alike_cluster_by_their_group_once_the_clustering_sees_groups():
    """Two ways of telling (an interview, a report) crossed with two groups. The tellings share
    most words, so the text alone splits by voice; the target groups turn it to content."""
    from helpers import document_with_paragraphs
    from test_themes import themes_for

    rng = random.Random(3)
    voices = {
        "interview": ["Ik zeg altijd: je moet het gewoon doen, vertelt Ellen.",
                      "We dachten eerst dat het niet ging lukken, lacht ze.",
                      "Toen belde ik hem op en zei: kom maar langs.",
                      "Ze vertelt dat ze het spannend vond, maar het ging goed."],
        "verslag": ["Het project is in 2021 gestart met financiering van de provincie.",
                    "De evaluatie van het programma toont de resultaten per kwartaal.",
                    "Het bestuur heeft het plan vastgesteld en de begroting goedgekeurd.",
                    "De projectorganisatie rapporteert aan de stuurgroep van de regio."]}
    groups = {"DG:statushouders": "statushouders", "DG:jongeren": "jongeren"}
    documents, truth, entity_docs = [], {}, []
    for voice, pool in voices.items():
        for group, word in groups.items():
            for i in range(6):
                doc_id = f"{voice}-{word}-{i}"
                paragraphs = [" ".join(rng.sample(pool, 3)) + f" Het gaat om {word}."]
                doc = document_with_paragraphs(doc_id, paragraphs)
                documents.append(doc)
                truth[doc_id] = group
                start = doc["text"].index(word)
                entity_docs.append({"id": doc_id, "entities": [
                    {"type": "DOELGROEP", "start": start, "end": start + len(word),
                     "id": group, "text": word}]})
    common = ("embed.backend=tfidf-svd", "themes.metrics.stability_seeds=0",
              "themes.unit=document", "themes.reduce.method=none",
              "themes.cluster.algorithm=agglomerative", "themes.cluster.n_clusters=2",
              "ingest.min_words=0", "themes.hierarchy=false")

    def agreement(weight: float) -> float:
        out = themes_for(documents, *common, f"themes.doelgroep_weight={weight}",
                         entity_docs=entity_docs)
        found = {r["id"]: r["main_theme"] for r in out["document_themes.jsonl"]}
        ids = sorted(truth)
        return adjusted_mutual_info_score([truth[i] for i in ids], [found[i] for i in ids])

    assert agreement(0.0) < 0.5        # voice wins on the words alone
    assert agreement(1.0) == pytest.approx(1.0)


def test_singular_and_plural_are_one_term_in_the_form_used_more():
    texts = ["Statushouders en statushouders leren. Een statushouder werkt.",
             "De regio's werken samen; elke regio telt. Bedrijven en een bedrijf.",
             "Plekken voor werk: een plek. Talen leren, de taal spreken. Werk."]
    variants = number_variants(corpus_words(texts, PATTERN))
    assert variants["statushouder"] == "statushouders"       # plural written more often
    assert variants["regio's"] == "regio"                    # a tie: the singular
    assert variants["bedrijven"] == "bedrijf" and variants["plekken"] == "plek"
    assert variants["talen"] == "taal"
    assert "statushouders" not in variants                   # the shown form maps to nothing
    assert "leren" not in variants                           # no "leer" in the texts


def test_theme_terms_never_list_both_numbers_of_a_word():
    from helpers import document_with_paragraphs
    from test_themes import themes_for

    rng = random.Random(5)
    pool = ["De statushouders volgen taalles.", "Een statushouder werkt in de zorg.",
            "Statushouders leren de taal op de werkvloer.", "Elke statushouder heeft een coach.",
            "De coaches begeleiden de statushouders.", "Een coach helpt bij de taal."]
    documents = [document_with_paragraphs(f"d{i}", [" ".join(rng.sample(pool, 4))])
                 for i in range(12)]
    out = themes_for(documents, "embed.backend=tfidf-svd", "themes.metrics.stability_seeds=0",
                     "themes.unit=document", "themes.reduce.method=none",
                     "themes.cluster.algorithm=kmeans", "themes.cluster.n_clusters=2",
                     "ingest.min_words=0", "themes.hierarchy=false")
    for theme in out["themes.json"]["themes"]:
        terms = {t["term"] for t in theme["terms"]}
        assert not {"statushouder", "statushouders"} <= terms, terms
        assert not {"coach", "coaches"} <= terms, terms


def test_short_label_takes_two_terms_and_lets_a_phrase_stand_for_its_word():
    assert short_label(["gebouwde", "energietransitie", "gebouwde omgeving", "zorg"]) \
        == "gebouwde omgeving, energietransitie"
    assert short_label(["jongeren", "school", "diploma"]) == "jongeren, school"
    assert short_label(["beschut werk", "beschut", "banenafspraak"]) \
        == "beschut werk, banenafspraak"
    assert short_label(["a", "b", "c", "d", "e", "a b c"]) == "a, b"    # phrase beyond five
    assert short_label([]) == ""


def test_voice_share_counts_names_places_and_narrative_words():
    texts = ["Ellen Verhage uit Emmen zegt dat statushouders werk vinden.",
             "Toen dacht ze: de werkgevers in Emmen willen statushouders."]
    entity_docs = [{"id": "a", "entities": [{"type": "REGION", "text": "Emmen"}]}]
    voice = voice_words(corpus_words(texts, PATTERN), PATTERN, entity_docs)
    assert {"ellen", "verhage", "emmen", "zegt", "dacht", "toen", "ze"} <= voice
    assert not {"statushouders", "werkgevers", "werk"} & voice
    top = [["statushouders", "werkgevers", "ellen"], ["werk", "zegt werk"]]
    assert voice_share(top, voice) == pytest.approx(2 / 5)
    assert voice_share([], voice) is None


def test_every_theme_shows_its_closest_catalogue_entries_with_the_evidence():
    from test_themes import FAST, synthetic_documents, themes_for

    documents, _ = synthetic_documents(n_per_topic=6)
    out = themes_for(documents, *FAST, "themes.unit=document", "themes.reduce.method=none",
                     "themes.cluster.algorithm=kmeans", "themes.cluster.n_clusters=3",
                     "ingest.min_words=0", "themes.hierarchy=false")
    for theme in out["themes.json"]["themes"]:
        candidates = theme["catalogue_candidates"]
        assert len(candidates) == 3
        scores = [c["similarity"] for c in candidates]
        assert scores == sorted(scores, reverse=True)
        assert scores[0] == theme["curated_similarity"]
        assert all(c["seed_lift"] is not None for c in candidates)
