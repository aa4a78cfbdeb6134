"""Curated themes anchor the next consensus clustering: unit groups from the decisions file,
and the co-association votes they add."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from pipeline.themes.anchors import anchor_groups, anchor_indices
from pipeline.themes.consensus import ConsensusClustering


def test_groups_follow_merges_and_leave_out_deleted_and_doubly_claimed_units():
    decisions = {
        0: {"action": "rename", "label": "A", "units": ["a#0", "a#1", "x#0"]},
        1: {"action": "merge:0", "units": ["b#0", "b#1"]},
        2: {"action": "delete", "units": ["c#0", "c#1"]},
        3: {"action": "keep", "units": ["d#0", "d#1", "x#0"]},   # x#0 claimed twice
        4: {"action": "rename", "label": "zonder units"},
    }
    anchors = anchor_groups(decisions)
    assert anchors.groups == [["a#0", "a#1", "b#0", "b#1"], ["d#0", "d#1"]]
    assert anchors.merged == 1
    indices = anchor_indices(anchors.groups, ["a#0", "d#0", "b#1", "new#0", "d#1"])
    assert [list(i) for i in indices] == [[0, 2], [1, 4]]
    assert [list(i) for i in anchor_indices([["a#0", "gone#1"], ["gone#2"]], ["a#0"])] == [[0]]


def _continuum(seed: int, n: int = 60) -> np.ndarray:
    """Points evenly along a line: any cut into two is about as good as another, so where
    k-means cuts depends on the seed: the knife edge another machine falls off."""
    rng = np.random.default_rng(seed)
    return np.c_[np.linspace(0, 1, n), rng.normal(0, 0.01, n)].astype(np.float32)


def test_anchors_keep_the_reviewed_cut_whatever_the_seed():
    X = _continuum(0)
    reviewed = [np.arange(0, 20), np.arange(20, 60)]        # a cut k-means would not make
    expected = np.r_[np.zeros(20), np.ones(40)]
    free, anchored = [], []
    for seed in range(4):
        free.append(ConsensusClustering(2, 8, 2, None, seed).fit(X).labels_)
        model = ConsensusClustering(2, 8, 2, None, seed, anchors=reviewed)
        anchored.append(model.fit(X).labels_)
    assert all(adjusted_rand_score(expected, labels) == 1.0 for labels in anchored)
    assert max(adjusted_rand_score(expected, labels) for labels in free) < 1.0


def test_unanchored_units_are_placed_by_the_members():
    """New stories since the review: their units join the group they are close to."""
    X = np.r_[np.zeros((10, 2)), np.ones((10, 2)) * 5, [[0.1, 0.0], [5.1, 5.0]]].astype(
        np.float32)
    X += np.random.default_rng(1).normal(0, 0.05, X.shape).astype(np.float32)
    model = ConsensusClustering(2, 8, 2, None, 0, anchors=[np.arange(10), np.arange(10, 20)]).fit(X)
    labels = model.labels_
    assert labels[20] == labels[0] and labels[21] == labels[10] and labels[0] != labels[10]


def test_two_curated_themes_stay_apart_while_new_units_can_go_anywhere():
    """Three anchored groups, k = 3, and stray new units far from all of them: the strays
    join a group; no two curated groups are joined to make room for them."""
    X = _continuum(3, 30)
    strays = np.array([[3.0, 3.0], [-3.0, 3.0]], dtype=np.float32)
    groups = [np.arange(0, 10), np.arange(10, 20), np.arange(20, 30)]
    labels = ConsensusClustering(3, 6, 3, None, 5, anchors=groups).fit(
        np.r_[X, strays]).labels_
    assert [len(set(labels[g])) for g in groups] == [1, 1, 1]
    assert len({labels[g[0]] for g in groups}) == 3


def test_a_new_label_does_not_re_cluster_but_new_members_do(tmp_path):
    from pipeline.config import validate
    from pipeline.export.curation import curation_text
    from pipeline.themes.stage import external_inputs

    path = tmp_path / "curation.yaml"
    settings = validate({"export": {"curation_file": str(path)}})

    def key(label, units):
        path.write_text(curation_text({3: {"label": label, "action": "rename", "notes": None,
                                           "units": units}}), encoding="utf-8")
        return external_inputs(settings)["anchors"]

    first = key("Jongeren", ["a#0", "a#1"])
    assert key("Jongeren en school", ["a#0", "a#1"]) == first
    assert key("Jongeren", ["a#0", "b#0"]) != first
    off = validate({"export": {"curation_file": str(path)}, "themes": {"anchor": {
        "enabled": False}}})
    assert external_inputs(off)["anchors"] == external_inputs(
        validate({"export": {"curation_file": str(tmp_path / "none.yaml")}}))["anchors"]
