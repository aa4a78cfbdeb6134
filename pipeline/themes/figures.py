"""BERTopic's own interactive figures, as Plotly JSON for the report.

Made here because only this stage has the fitted model; the report embeds the JSON with an
inline plotly.js. Labels are the themes' final (stable, curated) ids and labels. Each figure is
made on its own, and a figure that cannot be made is reported with the reason, never fatal.

The intertopic distance map is drawn here rather than by ``visualize_topics``: BERTopic lays
it out with a fresh UMAP, whose numba code compiles on first use in every process (about 5 s,
more than the rest of a clustering-only re-run). Classical multidimensional scaling of the
cosine distances between the theme centroids places the themes in a few milliseconds, and
deterministically.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

log = logging.getLogger("rodedraden")


def theme_figures(model: Any, labels: Mapping[int, str]) -> dict[str, Any]:
    """``labels``: raw BERTopic topic id -> display label, for the themes to show."""
    topics = sorted(labels)
    model.set_topic_labels(dict(labels))
    makers = {
        "intertopic_distance_map": lambda: intertopic_distance_map(model, topics, labels),
        "barchart": lambda: model.visualize_barchart(
            topics=topics, n_words=8, custom_labels=True, title="Top terms per theme"),
        "hierarchy": lambda: model.visualize_hierarchy(
            topics=topics, custom_labels=True, title="Theme hierarchy"),
    }
    figures: dict[str, Any] = {"figures": {}, "not_made": {}}
    for name, make in makers.items():
        if len(topics) < 2:
            figures["not_made"][name] = "fewer than two themes"
            continue
        try:
            figures["figures"][name] = make().to_json()
        except Exception as exc:  # BERTopic/UMAP fail on very small models; say why, go on
            reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            figures["not_made"][name] = reason
            log.info("themes: figure %s not made (%s)", name, reason)
    return figures


def intertopic_distance_map(model: Any, topics: list[int], labels: Mapping[int, str]) -> Any:
    """Themes as bubbles (area: units) placed so that similar themes lie close together."""
    import plotly.graph_objects as go

    ids = sorted(model.get_topics())
    centres = np.asarray(model.topic_embeddings_)[[ids.index(t) for t in topics]]
    centres = centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    x, y = classical_mds(np.clip(1.0 - centres @ centres.T, 0.0, 2.0)).T
    sizes = [int(model.topic_sizes_.get(t, 0)) for t in topics]
    terms = [", ".join(word for word, _ in (model.get_topic(t) or [])[:5]) for t in topics]
    figure = go.Figure(go.Scatter(
        x=x.tolist(), y=y.tolist(), mode="markers", text=[labels[t] for t in topics],
        customdata=list(zip(sizes, terms, strict=True)),
        hovertemplate="<b>%{text}</b><br>%{customdata[1]}<br>units: %{customdata[0]}"
                      "<extra></extra>",
        marker={"size": sizes, "sizemode": "area", "sizemin": 6,
                "sizeref": 2.0 * max(sizes, default=1) / 45**2,
                "color": "#B0BEC5", "line": {"width": 2, "color": "DarkSlateGrey"}}))
    figure.update_layout(title="Intertopic distance map", template="simple_white",
                         width=650, height=650, xaxis={"visible": False},
                         yaxis={"visible": False, "scaleanchor": "x"})
    return figure


def classical_mds(distances: np.ndarray, dimensions: int = 2) -> np.ndarray:
    """Torgerson's classical scaling: the points whose distances best match ``distances``
    (coordinates of the top eigenvectors of the double-centred squared distances). Signs are
    fixed so the same distances always give the same picture."""
    n = len(distances)
    centring = np.eye(n) - np.full((n, n), 1.0 / n)
    gram = -0.5 * centring @ (distances ** 2) @ centring
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(values)[::-1][:dimensions]
    values, vectors = np.clip(values[order], 0.0, None), vectors[:, order]
    signs = np.sign(vectors[np.abs(vectors).argmax(axis=0), range(vectors.shape[1])])
    points = vectors * np.where(signs == 0, 1.0, signs) * np.sqrt(values)
    if points.shape[1] < dimensions:      # fewer themes than dimensions
        points = np.hstack([points, np.zeros((n, dimensions - points.shape[1]))])
    return points
