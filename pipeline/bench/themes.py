"""Embedding throughput, themes-stage time and the cost of a clustering-only re-run.

Corpus: 2,000 documents (300 with --quick) built from the dekamer development set in
``../shared/eval`` (each original question, then mixtures of two questions' sentences), or from
the bundled stories' paragraphs when that file is absent. Runs with the large-corpus profile
``configs/groot-corpus.yaml`` in a fresh outputs folder. Baselines, measured in the same run:
the bare encoder on the same texts (for the pipeline's embedding throughput) and the full cold
run (for the re-run after changing one clustering parameter, which reuses the cached
embeddings and UMAP layouts; goal: ratio under 0.2; and for a re-run that changes a UMAP
parameter and so lays out again). All runs are in this process after UMAP's numba code is
compiled; the last two rows run the same cold run and re-run as ``rodedraden run`` commands,
each a new process that pays its imports (torch via BERTopic) and UMAP's compilation.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..config import load_config
from ..embed.backends import semantic_backend
from ..embed.stage import unit_text
from ..runner import Runner
from ..stages import all_stages

DEKAMER = Path("../shared/eval/dekamer_dev.jsonl")
PROFILE = Path("configs/groot-corpus.yaml")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _source_texts() -> list[str]:
    if DEKAMER.is_file():
        with open(DEKAMER, encoding="utf-8") as handle:
            return [json.loads(line)["text"] for line in handle if line.strip()]
    texts = []
    for path in sorted(Path("corpus").rglob("*")):
        if path.suffix in {".md", ".txt"}:
            texts += [p for p in path.read_text(encoding="utf-8").split("\n\n")
                      if len(p.split()) > 30]
    return texts


def make_corpus(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` distinct documents: the sources first, then two-source sentence mixtures."""
    # the dekamer file holds some questions twice: ingest would drop the copies
    sources = list({" ".join(t.split()): t for t in _source_texts()}.values())
    rng = random.Random(seed)
    documents = [{"id": f"bench-{i}", "text": text} for i, text in enumerate(sources[:n])]
    while len(documents) < n:
        a, b = rng.sample(sources, 2)
        sa, sb = _SENTENCE.split(a), _SENTENCE.split(b)
        text = " ".join(sa[::2] + sb[1::2])
        documents.append({"id": f"bench-{len(documents)}", "text": text})
    return documents


def _compile_numba() -> None:
    """UMAP's numba functions compile on first use (seconds, once per process): do it before
    timing, or the cold run would pay it and the re-run would not."""
    import numpy as np
    from umap import UMAP

    UMAP(n_neighbors=5, n_epochs=10, random_state=0, n_jobs=1).fit_transform(
        np.random.default_rng(0).normal(size=(60, 8)))


def run(quick: bool) -> list[dict[str, Any]]:
    n = 300 if quick else 2000
    documents = make_corpus(n)
    overrides = ["ingest.dedup.near_duplicate_threshold=1.0", "ingest.min_words=5",
                 "ingest.language.min_confidence=1.0"]
    with tempfile.TemporaryDirectory(prefix="rodedraden-bench-") as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        corpus.mkdir()
        with open(corpus / "bench.jsonl", "w", encoding="utf-8") as handle:
            for doc in documents:
                handle.write(json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n")
        profile = PROFILE if PROFILE.is_file() else None
        settings = load_config(profile, overrides)

        _compile_numba()
        started = time.perf_counter()
        cold = Runner(all_stages(), settings, corpus, out).run()
        full = time.perf_counter() - started
        reports = {r.name: r for r in cold.reports}
        summary = cold.outputs["embed"]["embed_summary.json"]
        units = summary["units"]

        by_id = {d["id"]: d for d in cold.outputs["ingest"]["corpus.jsonl"]}
        texts = [unit_text(by_id, u) for u in cold.outputs["embed"]["units.jsonl"]]
        backend = semantic_backend(settings.embed, texts)
        started = time.perf_counter()
        for start in range(0, len(texts), settings.embed.batch_size):
            backend.encode(texts[start:start + settings.embed.batch_size])
        bare = time.perf_counter() - started

        changed = load_config(profile, [*overrides, "themes.cluster.n_clusters=41"])
        started = time.perf_counter()
        warm = Runner(all_stages(), changed, corpus, out).run()
        rerun = time.perf_counter() - started
        warm_reports = {r.name: r for r in warm.reports}
        assert warm_reports["embed"].status == "cached", "clustering change re-ran embed"
        assert warm_reports["themes"].items["layouts"]["computed"] == 0, \
            "clustering change made layouts"

        # a reduce parameter is part of every layout: the layouts are made again
        relaid = load_config(profile, [*overrides, "themes.cluster.n_clusters=41",
                                       "themes.reduce.n_epochs=81"])
        started = time.perf_counter()
        relaid_themes = {r.name: r for r in Runner(all_stages(), relaid, corpus, out)
                         .run().reports}["themes"]
        rerun_layouts = time.perf_counter() - started
        assert relaid_themes.items["layouts"]["cached"] == 0, "layouts of other parameters reused"

        # the same two runs as a user makes them: each a new process (imports, numba)
        cli_cold, cli_rerun = _command_line_runs(corpus, Path(tmp) / "out-cli", profile,
                                                 overrides)

    documents_in = len(cold.outputs["ingest"]["corpus.jsonl"])
    return [
        {"what": f"embed: {summary['backend']} units/s in the pipeline ({units} units)",
         "value": units / reports["embed"].seconds, "unit": "units/s",
         "ratio": (units / reports["embed"].seconds) / (units / bare),
         "baseline": "bare encoder"},
        {"what": "embed: bare encoder units/s (baseline)", "value": units / bare,
         "unit": "units/s"},
        {"what": f"themes stage on {documents_in} documents (3 seeds)",
         "value": reports["themes"].seconds, "unit": "s",
         "ratio": reports["themes"].seconds / full, "baseline": "full cold run"},
        {"what": "full cold run (all five stages)", "value": full, "unit": "s"},
        {"what": "re-run after changing n_clusters (layouts cached)", "value": rerun, "unit": "s",
         "ratio": rerun / full, "baseline": "full cold run"},
        {"what": "re-run after changing reduce.n_epochs (layouts made again)",
         "value": rerun_layouts, "unit": "s", "ratio": rerun_layouts / full,
         "baseline": "full cold run"},
        {"what": "command line: cold `rodedraden run` (new process)", "value": cli_cold,
         "unit": "s"},
        {"what": "command line: re-run after changing n_clusters", "value": cli_rerun,
         "unit": "s", "ratio": cli_rerun / cli_cold, "baseline": "cold command-line run"},
    ]


def _command_line_runs(corpus: Path, out: Path, profile: Path | None,
                       overrides: list[str]) -> tuple[float, float]:
    command = [str(Path(sys.executable).parent / "rodedraden"), "run", "--corpus", str(corpus),
               "--out", str(out), "--quiet"]
    if profile is not None:
        command += ["--config", str(profile)]
    for override in overrides:
        command += ["--set", override]
    timings = []
    for extra in ([], ["--set", "themes.cluster.n_clusters=41"]):
        started = time.perf_counter()
        subprocess.run([*command, *extra], check=True, capture_output=True)
        timings.append(time.perf_counter() - started)
    return timings[0], timings[1]
