"""Cutting documents into the text units that are embedded and clustered.

A unit is a character span ``[start, end)`` of its document's text, so every theme passage can
point back into the story. Paragraph units follow the ingest paragraphs, but a paragraph that
is too long is split at sentence boundaries (an encoder truncates or averages long inputs, and
one long paragraph often covers two subjects) and one that is too short is merged with a
neighbour (a heading or a one-line quote says too little to be clustered on its own).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..settings.themes import SegmentSettings

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before white
# space and a capital, digit or opening quote. Good enough for cutting units: a missed boundary
# only makes a unit a little longer.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9À-Ý])")
_WORD = re.compile(r"\S+")


def unit_id(doc_id: str, index: int) -> str:
    """A unit's id: its document and its place in it ("verhaal-3#2")."""
    return f"{doc_id}#{index}"


def split_unit_id(unit: str) -> tuple[str, int]:
    """(document id, index) of a unit id (document ids never contain "#": see ingest.ids)."""
    document, index = str(unit).rsplit("#", 1)
    return document, int(index)


def n_words(text: str) -> int:
    return len(_WORD.findall(text))


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``, trimmed of surrounding white space."""
    end = len(text) if end is None else end
    spans, cursor = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        spans.append((cursor, match.start() + 1))
        cursor = match.end()
    spans.append((cursor, end))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def choose_unit(documents: Sequence[dict[str, Any]], unit: str,
                settings: SegmentSettings) -> tuple[str, str]:
    """The unit to cut documents into, and why: ``unit`` itself unless it is ``auto``."""
    if unit != "auto":
        return unit, f"themes.unit: {unit}"
    lengths = sorted(len(str(doc.get("text", "")).split()) for doc in documents)
    median = lengths[len(lengths) // 2] if lengths else 0
    limit = settings.auto_document_words
    if median <= limit:
        return "document", (f"auto: the median document has {median} words (<= "
                            f"themes.segment.auto_document_words {limit}): whole documents")
    return "paragraph", (f"auto: the median document has {median} words (> "
                         f"themes.segment.auto_document_words {limit}): paragraphs")


def make_units(documents: Iterable[dict[str, Any]], unit: str,
               settings: SegmentSettings) -> list[dict[str, Any]]:
    """Units of every document, in document order: ``{id, doc_id, index, start, end, n_words}``."""
    units = []
    for doc in documents:
        text = doc["text"]
        if unit == "document":
            spans = [_trim(text, 0, len(text))] if text.strip() else []
        elif unit == "window":
            spans = _windows(sentence_spans(text), settings.window_sentences,
                             settings.window_stride)
        else:
            spans = _paragraph_units(text, doc.get("paragraphs") or [], settings)
        for index, (start, end) in enumerate(spans):
            units.append({"id": unit_id(doc["id"], index), "doc_id": doc["id"], "index": index,
                          "start": start, "end": end, "n_words": n_words(text[start:end])})
    return units


def _paragraph_units(text: str, paragraphs: list[dict[str, int]],
                     settings: SegmentSettings) -> list[tuple[int, int]]:
    spans = [(p["start"], p["end"]) for p in paragraphs] or [(0, len(text))]
    pieces: list[tuple[int, int]] = []
    for start, end in spans:
        if not text[start:end].strip():
            continue
        if n_words(text[start:end]) > settings.max_words:
            pieces.extend(_split_long(text, start, end, settings.max_words))
        else:
            pieces.append(_trim(text, start, end))
    return _merge_short(text, pieces, settings.min_words)


def _split_long(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Pack whole sentences into pieces of at most ``max_words`` (a longer sentence stays whole),
    then even out the last two so the tail is not a scrap."""
    sentences = sentence_spans(text, start, end)
    pieces: list[list[tuple[int, int]]] = [[]]
    words = 0
    for span in sentences:
        count = n_words(text[span[0]:span[1]])
        if pieces[-1] and words + count > max_words:
            pieces.append([])
            words = 0
        pieces[-1].append(span)
        words += count
    if len(pieces) > 1 and len(pieces[-1]) == 1 and len(pieces[-2]) > 2:
        pieces[-1].insert(0, pieces[-2].pop())
    return [(piece[0][0], piece[-1][1]) for piece in pieces]


def _merge_short(text: str, pieces: list[tuple[int, int]],
                 min_words: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    carry: tuple[int, int] | None = None
    for start, end in pieces:
        if carry is not None:
            start = carry[0]
            carry = None
        if n_words(text[start:end]) < min_words:
            carry = (start, end)
        else:
            merged.append((start, end))
    if carry is not None:
        if merged:
            merged[-1] = (merged[-1][0], carry[1])
        else:
            merged.append(carry)  # the whole document is short: one unit all the same
    return merged


def _windows(sentences: list[tuple[int, int]], size: int,
             stride: int) -> list[tuple[int, int]]:
    if not sentences:
        return []
    windows = []
    first = 0
    while True:
        last = min(first + size, len(sentences)) - 1
        windows.append((sentences[first][0], sentences[last][1]))
        if last == len(sentences) - 1:
            return windows
        first += stride


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
