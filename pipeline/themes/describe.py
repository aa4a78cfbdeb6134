"""What a theme carries: labels, terms, size, spread, passages, profile and place in the
hierarchy. Built from a fitted BERTopic and the unit assignments."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..settings.themes import ThemesSettings
from .catalogue import CatalogueEntry
from .model import Encoder, FitResult
from .profile import theme_profile

LABEL_TERMS = 2        # a label names a theme in two terms; the term list says the rest
LABEL_SCAN = 5         # a phrase among the first terms may stand in for its own word


def short_label(terms: Sequence[str]) -> str:
    """The theme's two best terms, where a phrase among its first five holding one of them
    stands in for that word ("gebouwde omgeving" for "gebouwde"): a reader's name for the
    theme, the term list besides it."""
    chosen: list[str] = []
    for term in terms[:LABEL_SCAN]:
        words = set(term.split())
        if any(words <= set(c.split()) for c in chosen):
            continue                      # already said by a chosen phrase
        inside = [i for i, c in enumerate(chosen) if set(c.split()) < words]
        if inside:
            chosen[inside[0]] = term      # the phrase says more than its word
            chosen = [c for i, c in enumerate(chosen) if i not in inside[1:]]
        elif len(chosen) < LABEL_TERMS:
            chosen.append(term)
    return ", ".join(chosen)
EXCERPT_CHARS = 280


def centroids(embeddings: np.ndarray, topics: np.ndarray, themes: Sequence[int]) -> np.ndarray:
    rows = []
    for theme in themes:
        mean = embeddings[topics == theme].mean(axis=0)
        rows.append(mean / (np.linalg.norm(mean) or 1.0))
    return np.array(rows, dtype=np.float32).reshape(len(themes), embeddings.shape[1])


def top_terms(model: Any, theme: int, n: int) -> list[tuple[str, float]]:
    """The theme's terms by weight, equal weights alphabetically: BERTopic sorts with an
    unstable argsort whose order of ties depends on the CPU's vector instructions, and the
    terms feed labels and the theme registry, which must not differ between machines."""
    found = [(str(term), round(float(weight), 5)) for term, weight in
             model.get_topic(theme) or [] if term]
    return sorted(found, key=lambda tw: (-tw[1], tw[0]))[:n]


def seed_lift(texts: Sequence[str], topics: np.ndarray, themes: Sequence[int],
              catalogue: Sequence[CatalogueEntry]) -> np.ndarray:
    """How much more often a theme's units name an entry's seed words than all units do
    (themes x entries; 0 where the corpus never names them). A seed matches a word that
    starts with it: "jobcoach" finds "jobcoaches", "taal" finds "taalles"."""
    lowered = [text.lower() for text in texts]
    lift = np.zeros((len(themes), len(catalogue)))
    for j, entry in enumerate(catalogue):
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s.lower()) for s in entry.seeds)
                             + r")") if entry.seeds else None
        named = np.array([bool(pattern and pattern.search(t)) for t in lowered], dtype=float)
        base = named.mean() if len(named) else 0.0
        for i, theme in enumerate(themes):
            inside = named[topics == theme]
            lift[i, j] = inside.mean() / base if base > 0 and len(inside) else 0.0
    return lift


def curated_labels(centres: np.ndarray, catalogue: Sequence[CatalogueEntry],
                   encode: Encoder | None, min_similarity: float,
                   lift: np.ndarray | None = None, min_lift: float = 0.0
                   ) -> list[tuple[str | None, float | None]]:
    """Catalogue names for theme centroids, one theme per entry at most.

    Pairs are matched greedily from the most similar down, so a broad entry (employer
    services) labels the theme it fits best instead of every theme that mentions employers.
    A theme keeps its best similarity even when it gets no label, to show how close it came.
    """
    if not catalogue or encode is None or not len(centres):
        return [(None, None)] * len(centres)
    similarity = centres @ encode([e.text for e in catalogue]).T
    labels: list[tuple[str | None, float | None]] = [
        (None, round(float(row.max()), 4)) for row in similarity]
    taken: set[int] = set()
    order = np.dstack(np.unravel_index(np.argsort(-similarity, axis=None, kind="stable"),
                                       similarity.shape))[0]
    for theme, entry in order:
        score = float(similarity[theme, entry])
        if score < min_similarity:
            break
        # an embedding can be close to an entry while the theme's words are about something
        # else (statushouders labelled "Van werk naar werk"): the words must agree
        if lift is not None and lift[theme, entry] < min_lift:
            continue
        if labels[theme][0] is None and entry not in taken:
            labels[theme] = (catalogue[entry].name, round(score, 4))
            taken.add(int(entry))
    return labels


CANDIDATES = 3


def catalogue_candidates(centres: np.ndarray, catalogue: Sequence[CatalogueEntry],
                         encode: Encoder | None, lift: np.ndarray | None = None
                         ) -> list[list[dict[str, Any]]]:
    """Per theme the closest catalogue entries with their evidence (similarity of centroid
    and entry, seed lift of the theme's words), so a curator who gets no label, or doubts
    one, sees what came close and why. The same numbers decide the label."""
    if not catalogue or encode is None or not len(centres):
        return [[] for _ in range(len(centres))]
    similarity = centres @ encode([e.text for e in catalogue]).T
    result = []
    for theme, row in enumerate(similarity):
        best = np.argsort(-row, kind="stable")[:CANDIDATES]
        result.append([{"name": catalogue[int(e)].name, "similarity": round(float(row[e]), 4),
                        "seed_lift": None if lift is None else round(float(lift[theme, e]), 3)}
                       for e in best])
    return result


def passages(theme: int, topics: np.ndarray, embeddings: np.ndarray, centre: np.ndarray,
             units: Sequence[dict[str, Any]], texts: Sequence[str], n: int
             ) -> list[dict[str, Any]]:
    """The ``n`` units closest to the theme centroid, one per document while possible (three
    paragraphs of one story show less of a thread than three stories)."""
    members = np.flatnonzero(topics == theme)
    order = members[np.argsort(-(embeddings[members] @ centre), kind="stable")]
    chosen, seen = [], set()
    for index in order:
        if units[index]["doc_id"] not in seen:
            chosen.append(index)
            seen.add(units[index]["doc_id"])
        if len(chosen) == n:
            break
    for index in order:
        if len(chosen) >= n:
            break
        if index not in chosen:
            chosen.append(index)
    result = []
    for index in chosen:
        unit, text = units[index], texts[index]
        result.append({"doc_id": unit["doc_id"], "unit": unit["id"], "start": unit["start"],
                       "end": unit["end"],
                       "similarity": round(float(embeddings[index] @ centre), 4),
                       "excerpt": text if len(text) <= EXCERPT_CHARS
                       else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " ..."})
    return result


def hierarchy(model: Any, texts: Sequence[str], themes: Sequence[int]
              ) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """BERTopic's hierarchy (ward on c-TF-IDF): merge nodes, and each theme's parent node."""
    if len(themes) < 3:
        return [], {}
    # hierarchical_topics always draws a tqdm bar (no switch): keep it out of the run's output
    with contextlib.redirect_stderr(io.StringIO()):
        frame = model.hierarchical_topics(list(texts))
    nodes, parent_of = [], {}
    for row in frame.sort_values("Distance").itertuples(index=False):
        node_id = f"h{int(row.Parent_ID)}"
        children = []
        for child in (row.Child_Left_ID, row.Child_Right_ID):
            child_id = int(child)
            key = child_id if child_id in themes else f"h{child_id}"
            children.append(key)
            parent_of[child_id] = node_id
        nodes.append({"id": node_id, "label": str(row.Parent_Name), "children": children,
                      "themes": sorted(int(t) for t in row.Topics),
                      "distance": round(float(row.Distance), 4)})
    return nodes, {t: parent_of[t] for t in themes if t in parent_of}


def describe_themes(fit: FitResult, units: Sequence[dict[str, Any]], texts: Sequence[str],
                    embeddings: np.ndarray, theme_docs: Mapping[int, Mapping[str, float]],
                    entity_docs: Mapping[str, Mapping[str, Any]] | None,
                    names: Mapping[str, str], catalogue: Sequence[CatalogueEntry],
                    encode: Encoder | None, settings: ThemesSettings
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    topics = fit.topics
    themes = sorted(int(t) for t in set(topics.tolist()) if t >= 0)
    centres = centroids(embeddings, topics, themes)
    lifts = seed_lift(texts, topics, themes, catalogue)
    labels = curated_labels(centres, catalogue, encode,
                            settings.catalogue.label_min_similarity, lifts,
                            settings.catalogue.label_min_seed_lift)
    candidates = catalogue_candidates(centres, catalogue, encode, lifts)
    nodes, parents = hierarchy(fit.model, texts, themes) if settings.hierarchy else ([], {})
    words = np.array([max(1, u["n_words"]) for u in units], dtype=float)
    records = []
    for position, theme in enumerate(themes):
        terms = top_terms(fit.model, theme, settings.representation.top_n_words)
        curated, similarity = labels[position]
        if theme in fit.zeroshot:  # assigned to this catalogue entry by zero-shot
            curated = catalogue[fit.zeroshot[theme]].name
        mask = topics == theme
        docs = theme_docs.get(theme, {})
        record: dict[str, Any] = {
            "id": theme,
            "label": short_label([term for term, _ in terms]) or f"thema {theme}",
            "curated_label": curated,
            "curated_similarity": similarity,
            "catalogue_candidates": candidates[position],
            "terms": [{"term": term, "weight": weight} for term, weight in terms],
            "size": {"units": int(mask.sum()), "documents": len(docs)},
            "share": {"units": round(float(mask.mean()), 4),
                      "words": round(float(words[mask].sum() / words.sum()), 4)},
            "rode_draad": len(docs) >= settings.min_documents,
            "documents": sorted(docs, key=lambda d: (-docs[d], d)),
            "passages": passages(theme, topics, embeddings, centres[position], units, texts,
                                 settings.passages),
            "parent": parents.get(theme),
        }
        if entity_docs is not None:
            profile = theme_profile(list(docs), entity_docs, names, settings.profile_top)
            record["spread"] = {"documents": len(docs), **profile.pop("spread")}
            record["profile"] = profile
        else:
            record["spread"] = {"documents": len(docs), "arbeidsmarktregios": None,
                                "provincies": None, "gemeenten": None}
            record["profile"] = None
        records.append(record)
    return records, nodes
