"""Curated themes anchor the next clustering.

A curator who kept, renamed or merged a theme has said "these units belong together". The
decisions file (``configs/curation.yaml``, written by ``rodedraden curate apply``) records
which units each reviewed theme held; the next consensus clustering takes that grouping as
constraints in the linkage of its co-association matrix
(:class:`pipeline.themes.consensus.ConsensusClustering`): units of one curated theme are
joined, units of two curated themes are not, and units new since the review are placed by the
consensus members' votes. With ``n_clusters: auto`` the number of themes is what the auto rule
gives, less one per curated merge, and never fewer than the curated themes
(:func:`pipeline.themes.auto.resolve`).
So a few added or removed stories, another seed or another machine's floating-point details
do not redraw the map the curator reviewed, while new material can still form new themes.

Why constraints and not softer guidance: soft votes (the curated grouping counted as extra
consensus members, tried while building this and not kept) still let a new cluster pull part
of a curated theme away or force two curated themes together when the number of themes is
tight. Why not seeding centroids: the consensus's k-means members run on
UMAP layouts whose coordinates change with every input, so an earlier centroid means nothing
in the next layout; pairs of units mean the same in every layout.

Only the groups matter here, never the labels: editing a curated label does not re-cluster.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Anchors:
    """``groups``: unit ids per anchored curated theme; ``merged``: curated themes merged
    into another (the number of themes ``auto`` gives drops by as many)."""

    groups: list[list[str]] = field(default_factory=list)
    merged: int = 0


def anchor_groups(decisions: Mapping[int, Mapping[str, Any]]) -> Anchors:
    """Unit-id groups from curators' decisions that carry units: kept and renamed themes as
    they were reviewed, merged themes together with their target. Deleted themes anchor
    nothing; a unit claimed by two groups (reviews of different runs) by none."""
    from ..export.curation import follow_merges  # here: export imports the themes package

    groups: dict[int, set[str]] = {}
    merged = 0
    for tid, decision in sorted(decisions.items()):
        units = decision.get("units")
        target = follow_merges(int(tid), decisions)
        if units and target is not None:
            groups.setdefault(target, set()).update(units)
            merged += target != int(tid)
    claimed = Counter(unit for members in groups.values() for unit in members)
    return Anchors([sorted(u for u in members if claimed[u] == 1)
                    for _, members in sorted(groups.items())], merged)


def anchor_indices(groups: Sequence[Sequence[str]], unit_ids: Sequence[str]) -> list[np.ndarray]:
    """The groups as indices into this run's units; units no longer present are left out
    (a group of one unit still counts: it keeps that unit apart from the other groups)."""
    position = {unit: i for i, unit in enumerate(unit_ids)}
    found = [np.array(sorted(position[u] for u in group if u in position), dtype=np.int64)
             for group in groups]
    return [indices for indices in found if len(indices)]


def load_anchor_groups(curation_file: str, enabled: bool) -> Anchors:
    """Groups from the decisions file, or none when anchoring is off or there is no file."""
    if not enabled:
        return Anchors()
    from ..export.curation import load_curation

    return anchor_groups(load_curation(Path(curation_file)))
