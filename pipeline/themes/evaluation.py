"""``rodedraden evaluate themes``: run the pipeline on a labelled corpus and compare the
document assignments with the reference labels.

The corpus may be a folder or a single ``.jsonl``/``.json``/``.csv`` file (it is linked into a
folder under the outputs folder, so runs on it are cached like any other). Documents the
ingest stage drops as duplicates get the theme of the document they duplicate; documents it
skips for other reasons count as unassigned: the figure is for the pipeline as a user runs it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..ingest.ids import slugify
from ..storage import stable_hash
from .metrics import label_metrics


def corpus_folder(corpus: Path, out: Path) -> Path:
    """A folder for the runner: ``corpus`` itself, or a folder holding the file.

    The file is hard-linked into the folder (a copy where the outputs are on another file
    system, refreshed when the file changes), not symlinked: ingest does not follow links
    that leave the corpus folder (``ingest.read.follow_links``)."""
    if corpus.is_dir():
        return corpus
    if not corpus.is_file():
        raise UsageError(f"corpus not found: {corpus}", code="RD243",
                         hint="pass --corpus with a folder or a .jsonl file of {id, text}")
    resolved = corpus.resolve()
    folder = out / "eval-corpora" / f"{corpus.stem}-{stable_hash(str(resolved))[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    placed = folder / corpus.name
    source = resolved.stat()
    if placed.is_symlink() or not placed.is_file() or not (
            os.path.samefile(placed, resolved) or (
                placed.stat().st_size == source.st_size
                and placed.stat().st_mtime_ns == source.st_mtime_ns)):
        placed.unlink(missing_ok=True)
        try:
            os.link(resolved, placed)
        except OSError:   # another file system, or links not allowed: copy with its times
            shutil.copy2(resolved, placed)
    return folder


def read_labels(path: Path, field: str) -> dict[str, str]:
    """``{document id: label}`` from a JSONL file; ids are normalised as ingest does."""
    if not path.is_file():
        raise UsageError(f"labels file not found: {path}", code="RD244",
                         hint="pass --labels with a JSONL file holding 'id' and the label field")
    labels: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(f"{path}:{number} is not valid JSON: {exc.msg}",
                                 code="RD245", hint="one JSON object per line") from None
            if not isinstance(row, dict) or "id" not in row:
                raise UsageError(f"{path}:{number} has no 'id' field", code="RD245",
                                 hint="every line needs the document's 'id'")
            if field not in row:
                available = ", ".join(sorted(k for k in row if k != "text")) \
                    if isinstance(row, dict) else ""
                raise UsageError(f"{path}:{number} has no field {field!r}", code="RD246",
                                 hint=f"pass --label-field with one of: {available}")
            if row[field] is not None:
                labels[slugify(str(row["id"]))] = str(row[field])
    if not labels:
        raise UsageError(f"{path} holds no labelled documents", code="RD246")
    return labels


def document_assignments(document_themes: Sequence[Mapping[str, Any]],
                         manifest: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Main theme per document id, duplicates following their original."""
    assigned = {str(row["id"]): int(row["main_theme"]) for row in document_themes}
    for row in manifest:
        original = row.get("duplicate_of")
        if original and row.get("id") and str(original) in assigned:
            assigned.setdefault(str(row["id"]), assigned[str(original)])
    return assigned


def evaluate(labels: Mapping[str, str], assigned: Mapping[str, int]) -> dict[str, Any]:
    ids = sorted(labels)
    predicted = [assigned.get(doc_id, -1) for doc_id in ids]
    result = label_metrics([labels[doc_id] for doc_id in ids], predicted)
    result["not_in_run"] = sum(1 for doc_id in ids if doc_id not in assigned)
    return result


def format_table(result: Mapping[str, Any], unsupervised: Mapping[str, Any]) -> str:
    rows = [("documents", result["documents"]), ("reference labels", result["reference_labels"]),
            ("themes", result["themes"]), ("AMI", result.get("ami")), ("NMI", result["nmi"]),
            ("ARI", result["ari"]), ("NMI (assigned only)", result["nmi_assigned"]),
            ("top-2 hit rate", result.get("top2_hit_rate"))]
    for k, baseline in sorted((result.get("kmeans") or {}).items(), key=lambda kv: int(kv[0])):
        rows.append((f"k-means AMI / NMI (k={k})", f"{baseline['ami']} / {baseline['nmi']}"))
    catalogue = result.get("catalogue")
    if catalogue:
        rows.append(("catalogue label precision",
                     f"{catalogue['precision']} ({catalogue['right']} of {catalogue['judged']})"))
    rows += [("unassigned share", result["unassigned_share"]),
             ("not in run (skipped by ingest)", result["not_in_run"]),
             ("seed stability (ARI)", unsupervised.get("stability_ari")),
             ("NPMI coherence", unsupervised.get("npmi")),
             ("topic diversity", unsupervised.get("diversity")),
             ("voice share of top terms", unsupervised.get("voice_share")),
             ("silhouette", unsupervised.get("silhouette"))]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {'-' if value is None else value}"
                     for name, value in rows)
