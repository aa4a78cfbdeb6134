"""``rodedraden evaluate stability``: do curated labels survive a changing corpus?

The promise to a curator: label the themes once, and when stories are added or removed the
labels stay on the themes they were given to, or the curator is told where those themes went.
This measures it with the real pipeline, the real decisions file and the real next run:

1. ingest the corpus once; its cleaned documents are the pool;
2. per seed and random draw: *add*: run on the pool minus a random ``share`` of it, curate
   every theme with a label (with the units it holds, as ``curate apply`` records them), then
   run on the whole pool; *remove*: run on the whole pool, curate, run without a random
   ``share``; *reseed* (optional): run, curate, run again with the next seed (what another
   machine's floating-point details do to UMAP, made larger);
3. per curated label: **kept** when the theme carrying it in the second run holds documents
   that overlap the labelled theme's by at least ``min_overlap`` (Jaccard, over the documents
   in both runs); **flagged** when not kept but marked for review on its theme; **stale** when
   its theme is gone and the decision is reported with where its units went; **removed** when
   every story of its theme was taken out (and that is reported); **silent** otherwise (the
   failure this evaluation exists to catch).

All runs share one outputs folder and its cache (``<out>/stability``), so embeddings and
entities are computed once per document; each scenario starts without a previous run.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..runner import Runner
from ..settings import Settings
from ..stages import all_stages
from ..storage import dumps, write_text
from .curation import curation_text, with_members
from .identity import theme_members

FATES = ("kept", "flagged", "stale", "silent", "removed")


def evaluate_stability(corpus: Path, settings: Settings, work: Path, draws: int = 10,
                       seeds: int = 3, share: float = 0.1, min_overlap: float = 0.6,
                       scenarios: Sequence[str] = ("add", "remove"),
                       progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run the scenarios and return per-scenario counts, shares and every label's fate."""
    work.mkdir(parents=True, exist_ok=True)
    out, pool_dir, curation = work / "out", work / "corpus", work / "curation.yaml"
    base = _quick(settings, curation)
    pool = _pool(corpus, base, work / "ingest")
    ids = [d["id"] for d in pool]
    outcomes: dict[str, list[dict[str, Any]]] = {name: [] for name in scenarios}
    for s in range(seeds):
        seed = settings.run.seed + s
        for draw in range(draws):
            rng = np.random.default_rng([seed, draw])
            held = set(rng.choice(ids, max(1, round(share * len(ids))), replace=False).tolist())
            rest = [d for d in pool if d["id"] not in held]
            plans = {"add": (rest, pool, seed), "remove": (pool, rest, seed),
                     "reseed": (pool, pool, seed + 1)}
            for name in scenarios:
                if name == "reseed" and draw > 0:
                    continue
                first_docs, second_docs, second_seed = plans[name]
                outcome = _scenario(first_docs, second_docs, base, seed, second_seed,
                                    pool_dir, out, curation, min_overlap)
                outcome.update(seed=seed, draw=draw)
                outcomes[name].append(outcome)
                if progress:
                    progress(f"{name} seed {seed} draw {draw}: kept {outcome['kept']}/"
                             f"{outcome['labels']}, flagged {outcome['flagged']}, stale "
                             f"{outcome['stale']}, silent {outcome['silent']}")
    return {"corpus": str(corpus), "documents": len(pool), "draws": draws, "seeds": seeds,
            "share": share, "min_overlap": min_overlap,
            "anchoring": settings.themes.anchor.enabled,
            "summary": {name: _summary(rows) for name, rows in outcomes.items()},
            "scenarios": outcomes}


def _quick(settings: Settings, curation: Path) -> Settings:
    """The measured settings, minus what the measurement does not need: the stability
    metric's extra seeds, per-document files and the report's full texts."""
    data = settings.model_dump(mode="json")
    data["themes"]["metrics"]["stability_seeds"] = 1
    data["export"].update(per_document_files=False, report_documents=0,
                          curation_file=str(curation))
    return Settings.model_validate(data)


def _pool(corpus: Path, settings: Settings, out: Path) -> list[dict[str, Any]]:
    result = Runner(all_stages(), settings, corpus, out).run(["ingest"])
    return [{"id": d["id"], "title": d.get("title"), "date": d.get("date"), "text": d["text"]}
            for d in result.outputs["ingest"]["corpus.jsonl"]]


def _run(docs: Sequence[dict[str, Any]], settings: Settings, seed: int, pool_dir: Path,
         out: Path) -> Path:
    """One full run on ``docs`` written as the corpus; returns the run folder."""
    shutil.rmtree(pool_dir, ignore_errors=True)
    pool_dir.mkdir(parents=True)
    write_text(pool_dir / "corpus.jsonl",
               "".join(dumps(d, what="stability corpus") + "\n" for d in docs))
    data = settings.model_dump(mode="json")
    data["run"]["seed"] = seed
    logger = logging.getLogger("rodedraden")
    level = logger.level
    logger.setLevel(max(level, logging.ERROR))   # dozens of runs: their log is in run.log
    try:
        return Runner(all_stages(), Settings.model_validate(data), pool_dir, out).run().run_dir
    finally:
        logger.setLevel(level)


def _scenario(first_docs, second_docs, settings: Settings, seed: int, second_seed: int,
              pool_dir: Path, out: Path, curation: Path, min_overlap: float) -> dict[str, Any]:
    curation.unlink(missing_ok=True)
    (out / "latest").unlink(missing_ok=True)   # each scenario starts without a previous run
    first = _run(first_docs, settings, seed, pool_dir, out)
    themes = _read(first / "themes.json")["themes"]
    members = theme_members(_lines(first / "theme_units.jsonl"))
    labels = {t["id"]: f"label {t['id']}" for t in themes}
    write_text(curation, curation_text(with_members({
        tid: {"label": label, "action": "rename", "notes": None}
        for tid, label in labels.items()}, members)))
    second = _run(second_docs, settings, second_seed, pool_dir, out)
    after = _read(second / "themes.json")
    common = {d["id"] for d in first_docs} & {d["id"] for d in second_docs}
    fates = _fates(themes, after, labels, common, min_overlap)
    for folder in (first, second):
        shutil.rmtree(folder, ignore_errors=True)
    counts = {key: sum(f["fate"] == key for f in fates) for key in FATES}
    return {"labels": len(fates), **counts, "themes_before": len(themes),
            "themes_after": len(after["themes"]), "fates": fates}


def _fates(before: Sequence[dict[str, Any]], after: dict[str, Any], labels: dict[int, str],
           common: set[str], min_overlap: float) -> list[dict[str, Any]]:
    report = after["curation"]
    flagged = {r["theme"] for r in report["review"]}
    stale = {s["theme"]: s for s in report["stale_details"]}
    fates = []
    for theme in before:
        label = labels[theme["id"]]
        carrying = [t for t in after["themes"] if t.get("curated_label") == label]
        overlap = None
        if carrying:
            a = set(theme["documents"]) & common
            b = set(carrying[0]["documents"]) & common
            overlap = round(len(a & b) / len(a | b), 3) if a | b else 0.0
        reported_stale = not carrying and theme["id"] in stale
        if not set(theme["documents"]) & common:
            # every story of the theme was removed: nothing to keep, but it must be said
            fate = "removed" if reported_stale or carrying else "silent"
        elif overlap is not None and overlap >= min_overlap and len(carrying) == 1:
            fate = "kept"
        elif carrying and carrying[0]["id"] in flagged:
            fate = "flagged"
        elif reported_stale:
            fate = "stale" if stale[theme["id"]]["went_to"] or stale[theme["id"]][
                "share_no_longer_in_corpus"] else "silent"
        else:
            fate = "silent"
        fates.append({"theme": theme["id"], "documents": len(theme["documents"]),
                      "now_on": carrying[0]["id"] if carrying else None,
                      "overlap": overlap, "fate": fate})
    return fates


def _summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Shares are of the labels whose theme still has stories in the corpus ("removed":
    all of them were taken out, which no tool can keep; they are counted apart)."""
    total = {key: sum(r[key] for r in rows) for key in FATES}
    labels = sum(r["labels"] for r in rows)
    measured = labels - total["removed"]
    overlaps = [f["overlap"] for r in rows for f in r["fates"] if f["overlap"] is not None]
    worst = [r["kept"] / (r["labels"] - r["removed"]) for r in rows
             if r["labels"] > r["removed"]]
    return {"runs": len(rows), "labels": labels, "measured": measured, **total,
            **{f"{key}_share": round(total[key] / measured, 4) if measured else None
               for key in ("kept", "flagged", "stale", "silent")},
            "worst_run_kept_share": round(min(worst), 4) if worst else None,
            "median_overlap": float(np.median(overlaps)) if overlaps else None}


def format_table(result: dict[str, Any]) -> str:
    lines = [f"{'scenario':<8} {'runs':>4} {'labels':>6} {'kept':>6} {'flagged':>7} "
             f"{'stale':>6} {'silent':>6} {'removed':>7} {'worst run':>9}"]
    for name, s in result["summary"].items():
        worst = "-" if s["worst_run_kept_share"] is None else f"{s['worst_run_kept_share']:.2f}"
        lines.append(f"{name:<8} {s['runs']:>4} {s['labels']:>6} {s['kept_share']:>6.3f} "
                     f"{s['flagged_share']:>7.3f} {s['stale_share']:>6.3f} {s['silent']:>6} "
                     f"{s['removed']:>7} {worst:>9}")
    lines.append(f"kept: the label's theme shares >= {result['min_overlap']} of its documents "
                 "(Jaccard, documents in both runs); flagged: not kept, marked for review; "
                 "stale: theme gone, reported with where its units went; silent: none of "
                 "these; removed: all its stories were taken out (reported, not in the shares)")
    return "\n".join(lines)


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
