"""One reader per input format: a file's bytes to raw records (title, date, metadata, text).

Readers do format work only: text layout is kept as blank-line separated blocks and all
cleaning happens later, the same for every format. A file-level problem raises
:class:`InputError`; a bad record inside a .jsonl or .csv comes back as a record with an
``error`` so its neighbours are still read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from typing import Any

import yaml

from ..errors import InputError
from ..settings import ReadSettings
from .decoding import decode_text

Record = dict[str, Any]
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


def _record(text: str, title: str | None = None, date: Any = None,
            metadata: dict[str, Any] | None = None, record: int | None = None,
            given_id: str | None = None, error: str | None = None) -> Record:
    return {"record": record, "given_id": given_id, "title": _clean_scalar(title),
            "date": _iso_date(date), "metadata": _jsonable(metadata or {}), "text": text,
            "error": error}


# -- plain text and markdown -----------------------------------------------------------------


def read_txt(data: bytes, settings: ReadSettings) -> list[Record]:
    text, _ = decode_text(data, settings.fallback_encodings)
    lines = text.lstrip("\ufeff").splitlines()
    title = None
    # A short first line followed by a blank line is the title, as in most exported stories.
    if len(lines) > 2 and lines[0].strip() and not lines[1].strip() and len(lines[0].split()) <= 20:
        title = lines[0].strip()
    return [_record(text, title=title)]


def read_md(data: bytes, settings: ReadSettings) -> list[Record]:
    text, _ = decode_text(data, settings.fallback_encodings)
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    meta: dict[str, Any] = {}
    match = FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            raise InputError(f"front matter is not valid YAML ({_first_line(exc)})",
                             hint="fix the block between the two '---' lines", code="RD205"
                             ) from None
        if loaded is not None and not isinstance(loaded, dict):
            raise InputError("front matter must be a mapping of 'key: value' lines",
                             code="RD205")
        meta = loaded or {}
        text = text[match.end():]
    body, first_heading = _markdown_to_text(text)
    title = meta.pop("title", None) or first_heading
    date = meta.pop("date", None)
    return [_record(body, title=title, date=date, metadata=meta)]


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
        raise InputError(f"cannot parse HTML ({_first_line(exc)})", code="RD206") from None
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
    return [_record(text.replace("\n", "\n\n"), title=title, date=date)]


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
    if isinstance(loaded, dict) and isinstance(loaded.get("documents"), list):
        loaded = loaded["documents"]
    objects = loaded if isinstance(loaded, list) else [loaded]
    single = not isinstance(loaded, list)
    return [_from_mapping(obj, None if single else i, f"item {i}", settings)
            for i, obj in enumerate(objects)]


def read_jsonl(data: bytes, settings: ReadSettings) -> list[Record]:
    text, _ = decode_text(data, settings.fallback_encodings)
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            records.append(_record("", record=number, error=f"line {number}: invalid JSON "
                                   f"({exc.msg}, column {exc.colno})"))
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
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(rows)
    except (StopIteration, csv.Error) as exc:
        raise InputError(f"no CSV header row ({exc})", code="RD208") from None
    header = [h.strip() for h in header]
    if settings.fields.text not in header:
        raise InputError(f"CSV has no column {settings.fields.text!r} (columns: {header})",
                         hint="set ingest.read.fields.text to the column that holds the text",
                         code="RD209")
    records = []
    number = 1
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            records.append(_record("", record=rows.line_num, error=f"line {rows.line_num}: "
                                   f"malformed CSV ({exc})"))
            break  # the reader cannot resynchronise after a quoting error
        number += 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            records.append(_record("", record=number, error=f"row {number}: expected "
                                   f"{len(header)} fields, found {len(row)}"))
            continue
        records.append(_from_mapping(dict(zip(header, row, strict=True)), number,
                                     f"row {number}", settings))
    return records


def _from_mapping(obj: Any, number: int | None, where: str, settings: ReadSettings) -> Record:
    names = settings.fields
    if not isinstance(obj, dict):
        return _record("", record=number, error=f"{where}: expected an object, "
                       f"found {type(obj).__name__}")
    text = obj.get(names.text)
    if not isinstance(text, str):
        found = "missing" if text is None else f"a {type(text).__name__}"
        return _record("", record=number, error=f"{where}: field {names.text!r} is {found}; "
                       "set ingest.read.fields.text to the field that holds the text")
    reserved = {names.id, names.title, names.text, names.date}
    keep = names.metadata if names.metadata is not None else [k for k in obj if k not in reserved]
    given = obj.get(names.id)
    return _record(text, title=obj.get(names.title), date=obj.get(names.date),
                   metadata={k: obj[k] for k in keep if k in obj and k not in reserved},
                   record=number, given_id=None if given in (None, "") else str(given))


# -- office formats --------------------------------------------------------------------------


def read_docx(data: bytes, settings: ReadSettings) -> list[Record]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError("not a .docx file (not a ZIP container)", code="RD210")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, BadZipFile...
        raise InputError(f"cannot open .docx ({_first_line(exc)})", code="RD210") from None
    blocks: list[str] = []
    first_heading = None
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            style = (paragraph.style.name or "") if paragraph.style is not None else ""
            if text and style.lower().startswith(("heading", "title", "kop")):
                first_heading = first_heading or text
            blocks.append(text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = [cell.text.strip() for cell in row.cells]
                blocks.append(" | ".join(dict.fromkeys(c for c in cells if c)))
    props = document.core_properties
    date = props.created if props.created else None
    meta = {"author": props.author} if props.author else {}
    text = "\n\n".join(b for b in blocks if b)
    return [_record(text, title=props.title or first_heading, date=date, metadata=meta)]


def read_pdf(data: bytes, settings: ReadSettings) -> list[Record]:
    import pypdf

    if not data.lstrip().startswith(b"%PDF"):
        raise InputError("not a PDF file (no %PDF header)", code="RD211")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("PDF is password-protected", hint="save an unprotected copy",
                             code="RD211")
        pages = [_page_text(page) for page in reader.pages]
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise InputError(f"cannot read PDF ({_first_line(exc)})", code="RD211") from None
    if not any(page.strip() for page in pages):
        raise InputError("PDF has no text layer (a scan?)",
                         hint="run OCR on it first (e.g. ocrmypdf) and add the result",
                         code="RD212")
    return [_record("\n\n".join(_reflow_pdf_page(p) for p in pages), title=title)]


def _page_text(page: Any) -> str:
    """Layout mode keeps the vertical gap between paragraphs as a blank line."""
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except Exception:  # layout mode fails on some damaged pages; plain mode still reads them
        return page.extract_text() or ""


def _reflow_pdf_page(text: str) -> str:
    """Join hard-wrapped PDF lines into paragraphs.

    A PDF text layer has one line per printed line and rarely blank lines between paragraphs.
    Wrapped lines run almost to the right margin, so a clearly shorter line is the last line of
    a paragraph or a heading, unless it ends in a comma or hyphen or the next line goes on in
    lower case.
    """
    lines = [line.strip() for line in text.splitlines()]
    width = max((len(line) for line in lines), default=0)
    blocks: list[str] = []
    current: list[str] = []
    for index, line in enumerate(lines):
        if line:
            current.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        ends_block = (not line or not following
                      or (len(line) < 0.8 * width and line[-1] not in ",-"
                          and not following[:1].islower()))
        if ends_block and current:
            blocks.append(" ".join(current))
            current = []
    return "\n\n".join(blocks)


# -- helpers ---------------------------------------------------------------------------------


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _clean_scalar(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _iso_date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _clean_scalar(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return _iso_date(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


READERS: dict[str, Callable[[bytes, ReadSettings], list[Record]]] = {
    "txt": read_txt, "md": read_md, "html": read_html, "htm": read_html, "json": read_json,
    "jsonl": read_jsonl, "csv": read_csv, "docx": read_docx, "pdf": read_pdf,
}
