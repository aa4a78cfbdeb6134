"""Stage 4, ``themes``: the rode draden. BERTopic on the embedded units, themes described
with terms, passages, spread and entity profile, and measured. See
:mod:`pipeline.themes.stage`."""

from importlib.util import find_spec

from ..runner import Stage, code_version
from .stage import external_inputs, themes

# Theme profiles use the entity stage's output when the project has that stage.
_REQUIRES = ("ingest",) + (("entities",) if find_spec("pipeline.entities") else ()) + ("embed",)

STAGE = Stage(
    name="themes", func=themes, version=code_version(__file__),
    # run.seed only: other run settings (workers, error policy) do not change the themes;
    # export.curation_file: where the curated themes that anchor the clustering are.
    sections=("themes", "run.seed", "export.curation_file"), requires=_REQUIRES,
    external=external_inputs,
    summary=lambda out: {k: out["metrics_themes.json"][k]
                         for k in ("themes", "rode_draden", "outlier_share_documents",
                                   "stability_ari")},
    help="Cluster the units into themes; write themes.json, document_themes.jsonl and "
    "metrics_themes.json.",
)

__all__ = ["STAGE", "themes"]
