"""BERTopic's own interactive figures, as Plotly JSON for the report.

Made here because only this stage has the fitted model; the report embeds the JSON with an
inline plotly.js. Labels are the themes' final (stable, curated) ids and labels. Each figure is
made on its own: BERTopic's intertopic distance map needs about five themes (its UMAP uses
n_neighbors=2), and a figure that cannot be made is reported with the reason, never fatal.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger("rodedraden")


def theme_figures(model: Any, labels: Mapping[int, str]) -> dict[str, Any]:
    """``labels``: raw BERTopic topic id -> display label, for the themes to show."""
    topics = sorted(labels)
    model.set_topic_labels(dict(labels))
    makers = {
        "intertopic_distance_map": lambda: model.visualize_topics(
            topics=topics, custom_labels=True, title="Intertopic distance map"),
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
