"""Names no gazetteer list holds: what the detector found, gathered for curators.

Every distinct ``source: detector`` mention (by id) becomes one row of
``entities_summary.json`` → ``unknown_names``: its name, type, the documents and mentions it
occurs in, the highest confidence the detector gave it, and up to two sentences that show it
in use. The export stage turns the rows into the ``nieuwe_namen`` sheet and a section of the
report; ``rodedraden gazetteer suggest`` turns them into gazetteer entries a curator edits.
Everything here is ordered, so the same records give the same rows.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

EXAMPLES = 2
SENTENCE_CHARS = 200
# A sentence ends at . ! ? followed by white space, or at a line break (a full stop inside
# a word, as in "3.5" or "o.a", does not end one).
_BOUNDARY = re.compile(r"[.!?](?=\s)|\n")
_FIRST_WORD = re.compile(r"^\S*\s*")
_LAST_WORD = re.compile(r"\s*\S*$")


def unknown_names(records: Iterable[Mapping[str, Any]], texts: Mapping[str, str]
                  ) -> list[dict[str, Any]]:
    """``records``: entity records in corpus order (``id`` and ``entities``); ``texts``: the
    cleaned text by document id (the mentions' offsets index it)."""
    found: dict[str, list[tuple[str, Mapping[str, Any]]]] = defaultdict(list)
    for record in records:
        for mention in record.get("entities") or []:
            if mention.get("source") == "detector" and mention.get("id"):
                found[str(mention["id"])].append((str(record["id"]), mention))
    rows = []
    for ident, mentions in found.items():
        names = Counter(str(m.get("name") or m.get("text") or ident) for _, m in mentions)
        documents = list(dict.fromkeys(doc for doc, _ in mentions))
        confidences = [m["confidence"] for _, m in mentions
                       if isinstance(m.get("confidence"), int | float)]
        rows.append({
            "id": ident,
            "name": min(names, key=lambda n: (-names[n], n)),
            "type": str(mentions[0][1].get("type") or ""),
            "documents": len(documents), "mentions": len(mentions),
            "confidence": round(max(confidences), 2) if confidences else None,
            "examples": _examples(mentions, texts)})
    return sorted(rows, key=lambda r: (-r["documents"], r["id"]))


def _examples(mentions: list[tuple[str, Mapping[str, Any]]], texts: Mapping[str, str]
              ) -> list[dict[str, str]]:
    """One sentence from each of the first documents; a second from the same document only
    when the name occurs in one document."""
    chosen: list[dict[str, str]] = []
    for distinct_documents in (True, False):
        for doc, mention in mentions:
            if len(chosen) >= EXAMPLES:
                return chosen
            text = texts.get(doc)
            start, end = mention.get("start"), mention.get("end")
            if not isinstance(text, str) or not isinstance(start, int) \
                    or not isinstance(end, int) or not 0 <= start < end <= len(text):
                continue
            sentence = sentence_around(text, start, end)
            if distinct_documents and any(c["document"] == doc for c in chosen):
                continue
            if {"document": doc, "sentence": sentence} not in chosen:
                chosen.append({"document": doc, "sentence": sentence})
    return chosen


def sentence_around(text: str, start: int, end: int, limit: int = SENTENCE_CHARS) -> str:
    """The sentence of ``text`` that holds ``text[start:end]``, on one line; a sentence over
    ``limit`` characters is cut at words around the mention, with "…" where text is left out.
    """
    left = 0
    for match in _BOUNDARY.finditer(text, 0, start):
        left = match.end()
    match = _BOUNDARY.search(text, end)
    right = len(text) if match is None else match.end()
    if right - left <= limit:
        return " ".join(text[left:right].split())
    room = max(limit - (end - start), 0)
    before = max(left, start - room // 2)
    after = min(right, end + room - (start - before))
    head, tail = text[before:start], text[end:after]
    if before > left:           # drop the word the cut went through
        head = "… " + _FIRST_WORD.sub("", head)
    if after < right:
        tail = _LAST_WORD.sub("", tail) + " …"
    return " ".join((head + text[start:end] + tail).split())
