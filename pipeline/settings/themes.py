"""``themes``: text units, BERTopic clustering, theme descriptions and quality metrics.

Parameters that should grow with the corpus accept ``auto``; how ``auto`` resolves is in
:mod:`pipeline.themes.auto` (and the README), and the resolved values are written to
``themes.json`` so a run always says what it used.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .base import Section

Auto = Literal["auto"]


class SegmentSettings(Section):
    auto_document_words: int = Field(
        1500, ge=0, description="unit auto: documents are the units when the median document "
        "has at most this many words (a story of a few pages has one main subject, and on "
        "short praktijkverhalen paragraphs cluster by narrative voice: the sweep in the README), "
        "paragraphs otherwise (long reports carry several subjects).")
    max_words: int = Field(
        180, ge=10, description="paragraph unit: a longer paragraph is split at sentence "
        "boundaries into pieces of at most about this many words.")
    min_words: int = Field(
        25, ge=0, description="paragraph unit: a shorter paragraph (a heading, a one-line "
        "quote) is merged with the next paragraph of the same document (the previous one at "
        "the end), so no unit is too short to say what it is about.")
    window_sentences: int = Field(5, ge=1, le=50, description="window unit: sentences per window.")
    window_stride: int = Field(3, ge=1, le=50, description="window unit: sentences the window "
                               "moves each step (stride < window: overlapping windows).")


class ReduceSettings(Section):
    method: Literal["umap", "none"] = Field(
        "umap", description="'umap': UMAP before clustering (what BERTopic does by default); "
        "'none': cluster the embeddings themselves (spectral clustering works on its own "
        "neighbour graph and needs no reduction).")
    n_neighbors: int | Auto = Field(
        "auto", description="UMAP neighbours; auto: sqrt(units) clamped to 5..30.")
    n_components: int = Field(5, ge=2, le=100, description="UMAP output dimensions.")
    min_dist: float = Field(0.0, ge=0, le=1, description="UMAP min_dist; 0 packs clusters "
                            "tightly, which is what density clustering wants.")
    metric: Literal["cosine", "euclidean"] = Field("cosine", description="UMAP input metric.")
    n_epochs: int | None = Field(
        100, ge=10, le=2000, description="UMAP optimisation epochs: 100 settles the layout "
        "enough to cluster (consensus runs UMAP once per member); null: UMAP's default (500 "
        "below 10,000 points, for plots).")

    @field_validator("n_neighbors")
    @classmethod
    def _neighbours(cls, value: int | str) -> int | str:
        if isinstance(value, int) and value < 2:
            raise ValueError(f"n_neighbors must be at least 2 or 'auto', got {value}")
        return value


class ClusterSettings(Section):
    algorithm: Literal["hdbscan", "kmeans", "agglomerative", "spectral", "consensus"] = Field(
        "consensus", description="'hdbscan': density clusters, finds the number of themes itself "
        "and leaves outliers; 'kmeans', 'agglomerative', 'spectral': exactly n_clusters themes, "
        "no outliers; 'consensus': several UMAP + k-means runs combined (steadiest across "
        "seeds, costs 'members' UMAP runs).")
    min_cluster_size: int | Auto = Field(
        "auto", description="hdbscan: smallest theme in units; auto: sqrt(units)/2 "
        "clamped to 3..100.")
    min_samples: int | Auto = Field(
        "auto", description="hdbscan: how conservative the density estimate is (lower: fewer "
        "outliers); auto: min_cluster_size // 3, at least 1.")
    selection: Literal["eom", "leaf"] = Field(
        "eom", description="hdbscan cluster_selection_method; 'leaf' gives more, smaller themes.")
    n_clusters: int | Auto = Field(
        "auto", description="kmeans/agglomerative/spectral/consensus: number of themes; auto: "
        "sqrt(units / 2), or 2·sqrt(documents) when each document is one unit, clamped to "
        "2..60.")
    linkage: Literal["ward", "average", "complete"] = Field(
        "ward", description="agglomerative linkage.")
    n_neighbors: int = Field(15, ge=2, le=200, description="spectral: neighbours in the "
                             "affinity graph.")
    members: int | Auto = Field(
        "auto", description="consensus: UMAP + k-means runs combined (more: steadier across "
        "seeds, slower); auto: 32 up to 500 units (a layout of so few points is cheap, and "
        "few points need more votes to agree across seeds), 16 above.")
    member_clusters: int | Auto = Field(
        "auto", description="consensus: k of each run's k-means; auto: n_clusters.")

    @field_validator("members")
    @classmethod
    def _members(cls, value: int | str) -> int | str:
        if isinstance(value, int) and not 2 <= value <= 64:
            raise ValueError(f"must be 2 to 64 or 'auto', got {value}")
        return value

    @field_validator("min_cluster_size", "min_samples", "n_clusters", "member_clusters")
    @classmethod
    def _positive(cls, value: int | str) -> int | str:
        if isinstance(value, int) and value < 1:
            raise ValueError(f"must be a positive integer or 'auto', got {value}")
        return value


class VectorizerSettings(Section):
    ngram_range: list[int] = Field([1, 2], description="[min, max] words per term.")
    min_df: int = Field(1, ge=1, description="BERTopic fits the vectorizer on one joined "
                        "document per theme, so this counts themes: 1 keeps terms of one theme.")
    max_df: float = Field(1.0, gt=0, le=1, description="Terms in a larger share of the themes "
                          "are dropped (reduce_frequent_words already damps them).")
    token_pattern: str = Field(
        r"(?u)\b(?:\d+-)?[^\W\d_](?:[^\W_]|['’&-](?=[^\W_]))+\b", description="Terms: "
        "words of two or more letters or digits starting with a letter (no bare numbers), with "
        "hyphens, apostrophes and ampersands inside kept (West-Brabant, collega's, WW'ers, "
        "covid-19, 50-plussers, O&O-fonds). A Python regular expression with at most one "
        "group (the term).")
    spacy_stop_words: bool = Field(True, description="Use spaCy's Dutch stop-word list.")
    stop_words_file: str | None = Field(
        "configs/stopwoorden.txt", description="Extra domain stop words, one a line (relative to "
        "the working directory); null for none.")
    entity_stop_words: list[Literal["REGION", "ORGANISATION", "DOELGROEP"]] = Field(
        ["REGION"], description="Names the entity stage found of these types are left out of "
        "theme terms: a place name says where a theme occurs (its spread is reported), not "
        "what it is about. Only words that never occur in lower case in the corpus are left "
        "out, so ordinary words inside a name ('midden' in Midden-Brabant) stay. []: none.")

    @field_validator("token_pattern")
    @classmethod
    def _token_regex(cls, value: str) -> str:
        # checked here, not when the themes stage builds its vectorizer after the upstream
        # stages have run
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        if compiled.groups > 1:  # scikit-learn's CountVectorizer refuses these
            raise ValueError(f"expected a regular expression with at most one group (the "
                             f"term); this one has {compiled.groups}")
        return value

    name_stop_words: bool = Field(
        True, description="Words the corpus writes only with an initial capital (never in "
        "lower case, never all in capitals) are left out of theme terms: names of people, "
        "places and organisations say who and where (the entity columns), not what a theme "
        "is about. Acronyms such as UWV stay.")
    merge_number: bool = Field(
        True, description="Singular and plural of a word are one term (statushouder and "
        "statushouders, regio and regio's), shown in the form the corpus uses more often. "
        "Only when both forms occur; phrases stay as written.")
    narrative_lemmas: list[str] = Field(
        ["zeggen", "vertellen", "antwoorden", "spreken", "praten", "roepen",
         "lachen", "denken", "vinden", "weten", "geloven", "hopen", "durven", "merken",
         "zien", "kijken", "horen", "voelen", "gaan", "komen", "lopen", "zitten", "staan",
         "liggen", "beginnen", "proberen", "benadrukken", "uitleggen", "verklaren",
         "aangeven"],
        description="Every form of these verbs (saying, thinking, perceiving, going; found "
        "through spaCy's Dutch lookup lemmas, so 'durfde' and 'dacht' too) is left out of "
        "theme terms: such verbs carry the voice of an interview, not its subject. []: none.")

    @field_validator("ngram_range")
    @classmethod
    def _range(cls, value: list[int]) -> list[int]:
        if len(value) != 2 or not 1 <= value[0] <= value[1] <= 4:
            raise ValueError(f"expected [min, max] with 1 <= min <= max <= 4, got {value}")
        return value


class CtfidfSettings(Section):
    bm25_weighting: bool = Field(False, description="BM25-style idf: steadier for small "
                                 "corpora with few themes.")
    reduce_frequent_words: bool = Field(True, description="Square-root term frequencies so "
                                        "words frequent in every theme do not top them all.")


class RepresentationSettings(Section):
    models: list[Literal["keybert", "mmr", "pos"]] = Field(
        [], description="Applied in order to the c-TF-IDF terms (none: plain c-TF-IDF, the most "
        "coherent terms on the bundled corpus: NPMI -0.20 against -0.45 with mmr before names "
        "were left out of the terms; rodedraden "
        "sweep --grid 'themes.representation.models=[],[mmr]'): 'keybert' "
        "(KeyBERTInspired), 'mmr' (MaximalMarginalRelevance: fewer near-duplicate terms), "
        "'pos' (PartOfSpeech: needs a spaCy pipeline with a tagger).")
    top_n_words: int = Field(10, ge=3, le=50, description="Terms kept per theme.")
    mmr_diversity: float = Field(0.3, ge=0, le=1, description="mmr: 0 = by relevance only.")
    pos_model: str = Field("nl_core_news_sm", description="pos: spaCy pipeline with a tagger.")


class OutlierSettings(Section):
    strategy: Literal["embeddings", "c-tf-idf", "distributions", "probabilities", "none"] = Field(
        "embeddings", description="How BERTopic's reduce_outliers re-assigns hdbscan outliers "
        "('none': keep them). Units still unassigned are reported as outliers, never dropped.")
    threshold: float = Field(
        0.3, ge=0, le=1, description="Minimum similarity to a theme for an outlier to join it.")


class CatalogueSettings(Section):
    path: str | None = Field(
        "configs/themes.yaml", description="Curated theme catalogue (name + seed words), relative "
        "to the working directory; null for none.")
    mode: Literal["label", "guided", "zeroshot"] = Field(
        "label", description="'label': only give found themes a curated label; 'guided': "
        "BERTopic seed_topic_list nudges clustering toward the catalogue; 'zeroshot': units "
        "close enough to a catalogue theme are assigned to it, the rest is clustered.")
    label_min_similarity: float = Field(
        0.35, ge=-1, le=1, description="Cosine similarity between a theme's centroid and a "
        "catalogue entry needed for the curated label.")
    label_min_seed_lift: float = Field(
        1.5, ge=0, le=100, description="A curated label also needs the theme's words to agree: "
        "its units must name the entry's seed words at least this many times as often as all "
        "units do (0: similarity alone decides). A wrong label is worse than none.")
    zeroshot_min_similarity: float = Field(
        0.5, ge=-1, le=1, description="zeroshot: similarity a unit needs to be assigned.")


class MetricSettings(Section):
    stability_seeds: int = Field(
        3, ge=0, le=10, description="Seeds (run.seed, +1, ...) for the stability ARI; each "
        "extra seed re-clusters once. 0 or 1: not measured.")
    coherence_top_n: int = Field(10, ge=2, le=50, description="Terms per theme for NPMI and "
                                 "diversity.")


class AnchorSettings(Section):
    enabled: bool = Field(
        True, description="Themes a curator kept, renamed or merged (configs/curation.yaml, "
        "with the units they held when reviewed) anchor the next consensus clustering: the "
        "units of one curated theme stay together and two curated themes stay apart (unless "
        "a fixed n_clusters leaves no other choice); units new since the review are placed "
        "by the consensus members. false: cluster afresh every run.")
    keep_count: bool = Field(
        True, description="With n_clusters: auto, find the rule's number of themes less one "
        "per curated merge, and never fewer than the curated themes: a smaller corpus does "
        "not force two curated themes together.")


class ThemesSettings(Section):
    unit: Literal["auto", "paragraph", "document", "window"] = Field(
        "auto", description="What is clustered: paragraphs (one story can carry several "
        "themes), whole documents, or sliding sentence windows; auto: documents for corpora of "
        "short documents, else paragraphs (segment.auto_document_words; the choice and its "
        "reason are logged and written to embed_summary.json and themes.json). Document weights "
        "are always aggregated from the units, weighted by length.")
    doelgroep_weight: float = Field(
        0.5, ge=0, le=5, description="Weight of the target groups (doelgroepen) the entity "
        "stage found in a unit, appended to its embedding for clustering only: who a story is "
        "for is most of what it is about (statushouders, jongeren, 50-plussers), and a sentence "
        "encoder blurs it. 0: embeddings alone. Used with catalogue.mode label; ignored when the "
        "entity stage did not run.")
    segment: SegmentSettings = Field(default_factory=SegmentSettings,
                                     description="How documents are cut into units.")
    reduce: ReduceSettings = Field(default_factory=ReduceSettings,
                                   description="Dimensionality reduction.")
    cluster: ClusterSettings = Field(default_factory=ClusterSettings,
                                     description="Clustering.")
    vectorizer: VectorizerSettings = Field(default_factory=VectorizerSettings,
                                           description="CountVectorizer for theme terms.")
    ctfidf: CtfidfSettings = Field(default_factory=CtfidfSettings, description="c-TF-IDF.")
    representation: RepresentationSettings = Field(default_factory=RepresentationSettings,
                                                   description="Theme term fine-tuning.")
    outliers: OutlierSettings = Field(default_factory=OutlierSettings,
                                      description="Outlier reduction.")
    nr_topics: int | Auto | None = Field(
        None, description="BERTopic topic reduction after clustering: null (none), a number, "
        "or auto.")
    catalogue: CatalogueSettings = Field(default_factory=CatalogueSettings,
                                         description="Curated themes.")
    min_documents: int = Field(
        2, ge=1, description="A theme found in fewer documents is reported but not marked as "
        "a rode draad (a thread must run through several stories).")
    min_doc_weight: float = Field(
        0.15, ge=0, le=1, description="A document lists a theme when at least this share of "
        "its words is in units of that theme.")
    passages: int = Field(3, ge=0, le=20, description="Representative passages per theme.")
    profile_top: int = Field(5, ge=1, le=50, description="Co-occurring regions, organisations "
                             "and target groups listed per theme.")
    hierarchy: bool = Field(True, description="Compute BERTopic's hierarchy of themes.")
    metrics: MetricSettings = Field(default_factory=MetricSettings,
                                    description="Quality metrics.")
    anchor: AnchorSettings = Field(default_factory=AnchorSettings,
                                   description="Curated themes anchor the next clustering.")

    @field_validator("nr_topics")
    @classmethod
    def _nr_topics(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, int) and value < 2:
            raise ValueError(f"nr_topics must be at least 2, 'auto' or null, got {value}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ThemesSettings:
        if self.outliers.strategy == "probabilities" and self.cluster.algorithm != "hdbscan":
            raise ValueError("outliers.strategy 'probabilities' needs cluster.algorithm "
                             "'hdbscan' (the others have no membership probabilities)")
        return self
