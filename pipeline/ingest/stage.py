"""The ``ingest`` stage: corpus files to clean documents with paragraphs, and a manifest.

Reading (the slow, format-specific part) is cached per file. Everything after it needs the
whole corpus (lines repeated across documents, duplicates, collision-free ids) and is cheap, so
it is recomputed whenever any file changes. Every file ends up in the manifest as processed,
skipped or failed, with a reason; nothing is silently dropped.
"""

from __future__ import annotations

import logging
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Any

from ..config import section_hash
from ..errors import InputError, StageFailedError
from ..runner import StageContext
from ..storage import sha256_bytes, stable_hash
from .cleaning import LineCleaner, find_repeated_lines, normalize
from .dedup import find_duplicates
from .ids import assign_ids
from .readers import read_source
from .records import scrub
from .walk import read_regular

log = logging.getLogger("rodedraden")


def ingest(ctx: StageContext, files: list[dict[str, Any]]) -> dict[str, Any]:
    settings = ctx.settings.ingest
    read_hash = section_hash(ctx.settings, "ingest.read")
    readable = [f for f in files if f["skip_reason"] is None]
    items = [(stable_hash(f["rel"], f["sha256"], read_hash), f) for f in readable]
    read = dict(zip((f["rel"] for f in readable),
                    ctx.map_cached("read", items,
                                   lambda todo: (_read_file(f, settings.read) for f in todo)),
                    strict=True))

    rows: list[dict[str, Any]] = []
    candidates: list[dict[str, Any]] = []
    for f in files:
        result = read.get(f["rel"])
        if f["skip_reason"] is not None:
            rows.append(_row(f, None, "skipped", f["skip_reason"]))
        elif result["error"] is not None:
            rows.append(_row(f, None, "failed", result["error"]))
        else:
            for record in result["records"]:
                status, reason = ("failed", record["error"]) if record["error"] else (None, None)
                row = _row(f, record, status, reason)
                rows.append(row)
                if status is None:
                    candidates.append({"row": row, "record": record})
    for row, doc_id in zip(rows, assign_ids([(r["source"], r["record"], r.pop("_given_id"))
                                             for r in rows]), strict=True):
        row["id"] = doc_id
    _stop_on_failure(ctx, rows)

    documents = _clean_and_filter(candidates, settings)
    rows.sort(key=lambda r: (r["source"], r["record"] or 0))
    return {"corpus.jsonl": documents, "manifest.jsonl": rows,
            "ingest_summary.json": summarize(rows)}


def _read_file(f: dict[str, Any], read_settings: Any) -> dict[str, Any]:
    try:
        # Only what was hashed is read: at most size + 1 bytes, of a file that is still a
        # regular file; a file swapped or grown since the scan fails the hash check.
        data = read_regular(f["path"], f["size"])
        if sha256_bytes(data) != f["sha256"]:
            raise InputError("file changed while the run was reading it", code="RD213",
                             hint="run again when the corpus is no longer being written")
        return {"records": read_source(data, f["format"], read_settings), "error": None}
    except InputError as exc:
        error = exc.message + (f" ({exc.hint})" if exc.hint else "")
    except OSError as exc:
        error = f"cannot read file: {exc.strerror or exc}"
    except RecursionError:  # a reader recursing into a deeply nested structure
        error = "nested too deeply to read"
    except Exception as exc:  # a reader bug must not stop the batch: record it and go on
        log.debug("unexpected error reading %s", f["rel"], exc_info=True)
        error = (f"unexpected {type(exc).__name__} while reading: {exc} "
                 "(please report this with the file)")
    return {"records": [], "error": scrub(error, [], "error")}


def _row(f: dict[str, Any], record: dict[str, Any] | None, status: str | None,
         reason: str | None) -> dict[str, Any]:
    return {"id": None, "source": f["rel"], "record": record["record"] if record else None,
            "format": f["format"], "status": status, "reason": reason,
            "title": record["title"] if record else None, "duplicate_of": None,
            "n_words": None, "language": None,
            "warnings": record.get("warnings", []) if record else [],
            "_given_id": record["given_id"] if record else None}


def _stop_on_failure(ctx: StageContext, rows: list[dict[str, Any]]) -> None:
    if ctx.settings.run.on_error != "fail":
        return
    for row in rows:
        if row["status"] == "failed":
            where = row["source"] + (f" (record {row['record']})" if row["record"] else "")
            raise StageFailedError(f"{where}: {row['reason']}",
                                   hint="fix or remove the file, or set run.on_error: continue "
                                   "to record it in the manifest and go on", code="RD311")


def _clean_and_filter(candidates: list[dict[str, Any]], settings: Any) -> list[dict[str, Any]]:
    for c in candidates:
        c["normalized"] = normalize(c["record"]["text"])
    repeated = find_repeated_lines((c["normalized"] for c in candidates), settings.boilerplate)
    cleaner = LineCleaner(settings.boilerplate, repeated)
    survivors = []
    for c in candidates:
        row = c["row"]
        if not c["normalized"].strip():
            row.update(status="skipped", reason="empty text")
            continue
        cleaned = cleaner.clean(c["normalized"])
        c["cleaned"] = cleaned
        row["n_words"] = len(cleaned.text.split())
        if not cleaned.text:
            row.update(status="skipped", reason="no text left after removing boilerplate")
        elif row["n_words"] < settings.min_words:
            row.update(status="skipped", reason=f"too short: {row['n_words']} words, "
                       f"ingest.min_words is {settings.min_words}")
        else:
            code, confidence = detect_language(cleaned.text)
            row["language"] = code
            c["language"] = {"code": code, "confidence": confidence}
            if code not in settings.language.expected and \
                    confidence >= settings.language.min_confidence:
                row.update(status="skipped", reason=f"language is {code!r} ({confidence:.2f}), "
                           f"not in ingest.language.expected {settings.language.expected}")
            else:
                survivors.append(c)
    duplicates = find_duplicates([c["cleaned"].text for c in survivors], settings.dedup)
    documents = []
    for index, c in enumerate(survivors):
        row = c["row"]
        if index in duplicates:
            original, similarity = duplicates[index]
            kind = "exact" if similarity >= 1.0 else f"near ({similarity:.2f})"
            row.update(status="skipped", duplicate_of=survivors[original]["row"]["id"],
                       reason=f"{kind} duplicate of {survivors[original]['row']['id']}")
            continue
        row.update(status="processed")
        documents.append(_document(c))
    return documents


def _document(c: dict[str, Any]) -> dict[str, Any]:
    row, record, cleaned = c["row"], c["record"], c["cleaned"]
    return {"id": row["id"], "title": _nfc(record["title"]),
            "date": record["date"] or cleaned.found_date(), "source": row["source"],
            "format": row["format"], "record": row["record"], "metadata": _nfc(record["metadata"]),
            "language": c["language"], "n_words": row["n_words"],
            "content_hash": sha256_bytes(cleaned.text.encode())[:16], "text": cleaned.text,
            "paragraphs": cleaned.paragraphs,
            "removed_lines": len(cleaned.removed)}


def _nfc(value: Any) -> Any:
    """Titles and metadata get the same Unicode normalisation as the text."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


@lru_cache(maxsize=1)
def _language_identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    code, probability = _language_identifier().classify(text[:5000])
    return code, round(float(probability), 4)


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_status = Counter(r["status"] for r in rows)
    return {"files": len({r["source"] for r in rows}), "documents": len(rows),
            "by_status": {s: by_status.get(s, 0) for s in ("processed", "skipped", "failed")},
            "by_format": dict(sorted(Counter(r["format"] for r in rows).items())),
            "processed_by_format": dict(sorted(Counter(
                r["format"] for r in rows if r["status"] == "processed").items()))}
