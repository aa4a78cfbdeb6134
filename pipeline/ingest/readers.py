"""One reader per input format: a file's bytes to raw records (title, date, metadata, text).

Readers do format work only: text layout is kept as blank-line separated blocks and all
cleaning happens later, the same for every format. A file-level problem raises
:class:`InputError`; a bad record inside a .jsonl or .csv comes back as a record with an
``error`` so its neighbours are still read.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import InputError
from ..settings import ReadSettings
from .decoding import decode_text
from .frontmatter import load_front_matter
from .office import read_docx, read_pdf
from .records import Record, failed_record, first_line, make_record

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def read_source(data: bytes, fmt: str, settings: ReadSettings) -> list[Record]:
    """Records of one file. Raises :class:`InputError` when the whole file is unusable."""
    if not data.strip():
        raise InputError("empty file", code="RD204")
    reader = READERS[fmt]
    return reader(data, settings)


# -- plain text and markdown -----------------------------------------------------------------


def read_txt(data: bytes, settings: ReadSettings) -> list[Record]:
    text, _ = decode_text(data, settings.fallback_encodings)
    lines = text.lstrip("\ufeff").splitlines()
    title = None
    # A short first line followed by a blank line is the title, as in most exported stories.
    if len(lines) > 2 and lines[0].strip() and not lines[1].strip() and len(lines[0].split()) <= 20:
        title = lines[0].strip()
    return [make_record(text, title=title)]


def read_md(data: bytes, settings: ReadSettings) -> list[Record]:
    text, _ = decode_text(data, settings.fallback_encodings)
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    meta: dict[str, Any] = {}
    notes: list[str] = []
    match = FRONT_MATTER.match(text)
    if match:
        meta, notes = load_front_matter(match.group(1), settings.max_front_matter_kb)
        text = text[match.end():]
    body, first_heading = _markdown_to_text(text)
    title = meta.pop("title", None) or first_heading
    date = meta.pop("date", None)
    return [make_record(body, title=title, date=date, metadata=meta, notes=notes)]


def _markdown_to_text(text: str) -> tuple[str, str | None]:
    """Plain text with headings as paragraphs of their own; markup removed, layout kept."""
    out: list[str] = []
    first_heading = None
    for line in text.split("\n"):
        heading = MD_HEADING.match(line)
        if heading:
            content = _inline_markdown(heading.group(1))
            first_heading = first_heading or content
            out.extend(["", content, ""])
        else:
            out.append(_inline_markdown(line))
    return "\n".join(out), first_heading


def _inline_markdown(line: str) -> str:
    line = MD_LINK.sub(lambda m: m.group(1), line)
    line = MD_EMPHASIS.sub(lambda m: m.group(2), line)
    return re.sub(r"^\s{0,3}>\s?", "", line)


# -- HTML ------------------------------------------------------------------------------------


def read_html(data: bytes, settings: ReadSettings) -> list[Record]:
    import trafilatura
    from lxml import html as lxml_html

    markup, _ = decode_text(data, settings.fallback_encodings)
    try:
        tree = lxml_html.fromstring(markup.encode("utf-8"),
                                    parser=lxml_html.HTMLParser(encoding="utf-8"))
    except Exception as exc:  # lxml raises several types for hopeless markup
        raise InputError(f"cannot parse HTML ({first_line(exc)})", code="RD206") from None
    title = tree.findtext(".//title") or None
    # trafilatura finds the main text and drops navigation, asides, footers and scripts.
    extracted = trafilatura.bare_extraction(markup, include_comments=False,
                                            include_tables=True, with_metadata=True,
                                            deduplicate=False)
    text = ""
    date = None
    if extracted is not None:
        text = (getattr(extracted, "text", None) or "").strip()
        title = getattr(extracted, "title", None) or title
        date = getattr(extracted, "date", None)
    if not text:
        text = _html_fallback_text(tree)
    # trafilatura puts one paragraph per line; blank lines make them paragraphs for us.
    return [make_record(text.replace("\n", "\n\n"), title=title, date=date)]


def _html_fallback_text(tree: Any) -> str:
    for bad in tree.xpath("//script|//style|//nav|//header|//footer|//aside|//form|//noscript"):
        bad.drop_tree()
    main = tree.xpath("//main|//article") or tree.xpath("//body") or [tree]
    blocks = [el.text_content().strip() for el in main[0].iter(
        "p", "h1", "h2", "h3", "h4", "li", "blockquote", "td")]
    return "\n".join(b for b in blocks if b)


# -- structured records ----------------------------------------------------------------------


def read_json(data: bytes, settings: ReadSettings) -> list[Record]:
    text, _ = decode_text(data, settings.fallback_encodings)
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                         hint="validate the file with a JSON linter", code="RD207") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise InputError(f"invalid JSON ({first_line(exc)})", code="RD207") from None
    except RecursionError:
        raise InputError("JSON nested too deeply to read (arrays or objects inside each other "
                         "hundreds of levels deep)", code="RD207") from None
    if isinstance(loaded, dict) and isinstance(loaded.get("documents"), list):
        loaded = loaded["documents"]
    objects = loaded if isinstance(loaded, list) else [loaded]
    single = not isinstance(loaded, list)
    return [_from_mapping(obj, None if single else i, f"item {i}", settings)
            for i, obj in enumerate(objects)]


def read_jsonl(data: bytes, settings: ReadSettings) -> list[Record]:
    text, _ = decode_text(data, settings.fallback_encodings)
    records = []
    # Universal newlines only: str.splitlines() would also split inside a record at U+2028.
    for number, line in enumerate(io.StringIO(text, newline=None), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            records.append(failed_record(number, f"line {number}: invalid JSON "
                                         f"({exc.msg}, column {exc.colno})"))
            continue
        except ValueError as exc:
            records.append(failed_record(number, f"line {number}: invalid JSON "
                                         f"({first_line(exc)})"))
            continue
        except RecursionError:
            records.append(failed_record(number, f"line {number}: JSON nested too deeply"))
            continue
        records.append(_from_mapping(obj, number, f"line {number}", settings))
    return records


def read_csv(data: bytes, settings: ReadSettings) -> list[Record]:
    text, _ = decode_text(data, settings.fallback_encodings)
    text = text.lstrip("\ufeff")
    delimiter = settings.csv_delimiter
    if delimiter == "auto":
        # The header line decides: csv.Sniffer is fooled by quoted multi-line text fields.
        header_line = text.split("\n", 1)[0]
        delimiter = max(",;\t|", key=lambda d: (header_line.count(d), d == ","))
    # A field may be as long as the file (up to ingest.read.max_file_mb), not just csv's
    # default of 131,072 characters. The limit is process-wide, so it is put back afterwards.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        return _csv_records(io.StringIO(text, newline="").readlines(), delimiter, settings)
    finally:
        csv.field_size_limit(limit)


def _csv_records(lines: list[str], delimiter: str, settings: ReadSettings) -> list[Record]:
    rows = _csv_rows(lines, delimiter)
    first = next(rows, None)
    if first is None or first[1] is None:
        raise InputError(f"no CSV header row ({first[2] if first else 'empty file'})",
                         code="RD208")
    header = [h.strip() for h in first[1]]
    if settings.fields.text not in header:
        raise InputError(f"CSV has no column {settings.fields.text!r} (columns: {header})",
                         hint="set ingest.read.fields.text to the column that holds the text",
                         code="RD209")
    records = []
    number = 1
    for line, row, error in rows:
        number += 1
        where = f"row {number} (line {line})"
        if row is None:
            records.append(failed_record(number, f"{where}: malformed CSV ({error})"))
        elif not any(cell.strip() for cell in row):
            continue
        elif len(row) != len(header):
            records.append(failed_record(number, f"{where}: expected {len(header)} fields, "
                                         f"found {len(row)}"))
        else:
            records.append(_from_mapping(dict(zip(header, row, strict=True)), number, where,
                                         settings))
    return records


class _Lines:
    """The lines a csv.reader reads, with the position it has read to (to restart there)."""

    def __init__(self, lines: list[str]):
        self.lines, self.pos, self.read = lines, 0, 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        self.read += 1
        return self.lines[self.pos - 1]


def _csv_rows(lines: list[str], delimiter: str) -> Iterator[tuple[int, list | None, str]]:
    """``(first line number, cells or None, error)`` for each CSV record.

    After a malformed record the reader starts afresh. When the bad record ran over several
    lines (a quote that never closes swallows the rest of the file), it starts again on the
    line after the record's first line, so no good row after it is lost; a budget on re-read
    lines keeps a file full of stray quotes from taking quadratic time.
    """
    source = _Lines(lines)
    budget = 10 * len(lines) + 10_000
    while source.pos < len(lines):
        start = source.pos
        reader = csv.reader(source, delimiter=delimiter, strict=True)
        try:
            for row in reader:
                yield start + 1, row, ""
                start = source.pos
            return
        except csv.Error as exc:
            if source.pos > start + 1:
                source.pos = start + 1
                yield start + 1, None, f"{exc}; reading goes on at line {start + 2}"
            else:
                yield start + 1, None, str(exc)
        if source.read > budget:
            yield source.pos + 1, None, (f"lines {source.pos + 1}-{len(lines)} not read: too "
                                         "many malformed quoted fields")
            return


def _from_mapping(obj: Any, number: int | None, where: str, settings: ReadSettings) -> Record:
    names = settings.fields
    if not isinstance(obj, dict):
        return failed_record(number, f"{where}: expected an object, found {type(obj).__name__}")
    text = obj.get(names.text)
    if not isinstance(text, str):
        found = "missing" if text is None else f"a {type(text).__name__}"
        return failed_record(number, f"{where}: field {names.text!r} is {found}; "
                             "set ingest.read.fields.text to the field that holds the text")
    reserved = {names.id, names.title, names.text, names.date}
    keep = names.metadata if names.metadata is not None else [k for k in obj if k not in reserved]
    given = obj.get(names.id)
    return make_record(text, title=obj.get(names.title), date=obj.get(names.date),
                       metadata={k: obj[k] for k in keep if k in obj and k not in reserved},
                       record=number, given_id=given, where=where)


READERS: dict[str, Callable[[bytes, ReadSettings], list[Record]]] = {
    "txt": read_txt, "md": read_md, "html": read_html, "htm": read_html, "json": read_json,
    "jsonl": read_jsonl, "csv": read_csv, "docx": read_docx, "pdf": read_pdf,
}
