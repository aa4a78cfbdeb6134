"""Cleaning raw text into analysable paragraphs with character offsets.

Three kinds of web noise are dropped line by line: lines matching the configured patterns
(share and menu lines, breadcrumbs, photo credits, "Geplaatst op ..." dates), short lines that
recur across many documents of the corpus (site footers), and a line that repeats the line just
before it (logo captions). What is left is reflowed: hard-wrapped lines within a block are
joined, list items and headings stay paragraphs of their own. The cleaned text is the
paragraphs joined by blank lines, and the paragraph offsets index into exactly that string.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..settings import BoilerplateSettings

INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LIST_ITEM = re.compile(r"^(?:[-*•▪◦–]|\d{1,3}[.)])\s+")
MONTHS = {m: i for i, m in enumerate(
    "januari februari maart april mei juni juli augustus september oktober november december"
    .split(), start=1)}
DUTCH_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.I)


def normalize(text: str) -> str:
    """NFC, Unix newlines, one kind of space, no invisible or control characters."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(INVISIBLE)
    text = CONTROL.sub("", text)
    return "\n".join(SPACES.sub(" ", line).strip() for line in text.split("\n"))


def line_key(line: str) -> str:
    """What makes two lines 'the same line' for boilerplate: case, spacing and digits ignored."""
    return re.sub(r"\d+", "0", " ".join(line.casefold().split()))


def find_repeated_lines(texts: Iterable[str], settings: BoilerplateSettings) -> set[str]:
    """Keys of short lines that occur in many documents: site-wide boilerplate."""
    counts: Counter[str] = Counter()
    n_docs = 0
    for text in texts:
        n_docs += 1
        counts.update({line_key(line) for line in text.split("\n")
                       if settings.repeated_min_words <= len(line.split())
                       <= settings.repeated_max_words})
    threshold = max(settings.repeated_min_docs, settings.repeated_min_share * n_docs)
    return {key for key, count in counts.items() if count >= threshold}


@dataclass
class Cleaned:
    text: str
    paragraphs: list[dict[str, int]]
    removed: list[dict[str, str]] = field(default_factory=list)

    def found_date(self) -> str | None:
        """A publication date read from a removed 'Geplaatst op ...' style line, if any."""
        for item in self.removed:
            if item["why"] == "pattern":
                match = DUTCH_DATE.search(item["line"])
                if match:
                    day, month, year = match.groups()
                    return f"{int(year):04d}-{MONTHS[month.lower()]:02d}-{int(day):02d}"
        return None


class LineCleaner:
    """Removes boilerplate lines and builds paragraphs; see the module docstring."""

    def __init__(self, settings: BoilerplateSettings, repeated: set[str] = frozenset()):
        self.settings = settings
        self.patterns = [re.compile(p, re.I) for p in settings.patterns]
        self.repeated = repeated

    def why_drop(self, line: str, previous_key: str | None) -> str | None:
        key = line_key(line)
        if any(p.search(line) for p in self.patterns):
            return "pattern"
        if key in self.repeated:
            return "repeated-across-documents"
        if self.settings.drop_consecutive_duplicates and key == previous_key:
            return "repeated-line"
        return None

    def clean(self, normalized: str) -> Cleaned:
        removed: list[dict[str, str]] = []
        paragraphs: list[str] = []
        previous_key = None
        for block in re.split(r"\n\s*\n", normalized):
            current: list[str] = []
            for line in block.split("\n"):
                if not line:
                    continue
                why = self.why_drop(line, previous_key)
                previous_key = line_key(line)
                if why:
                    removed.append({"line": line, "why": why})
                    continue
                if LIST_ITEM.match(line) and current:
                    paragraphs.append(_join(current))
                    current = []
                current.append(line)
                if LIST_ITEM.match(line):
                    paragraphs.append(_join(current))
                    current = []
            if current:
                paragraphs.append(_join(current))
        return _assemble(paragraphs, removed)


def _join(lines: list[str]) -> str:
    """Reflow hard-wrapped lines; a word split at a line-end hyphen keeps its hyphen."""
    out = lines[0]
    for line in lines[1:]:
        glue = "" if out.endswith("-") and line[:1].islower() else " "
        out += glue + line
    return out


def _assemble(paragraphs: list[str], removed: list[dict[str, str]]) -> Cleaned:
    spans = []
    offset = 0
    for paragraph in paragraphs:
        spans.append({"start": offset, "end": offset + len(paragraph)})
        offset += len(paragraph) + 2
    return Cleaned("\n\n".join(paragraphs), spans, removed)
