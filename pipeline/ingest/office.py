"""Office formats: .docx (Word) and .pdf (the text layer).

A .docx is a ZIP archive of XML, and both sizes matter: a 50 KB file can unpack to megabytes of
XML (or to gigabytes, as a zip bomb), so the sum of the members' sizes is checked before
anything is unpacked. Its paragraphs are read straight from the XML, because python-docx's
``paragraph.style`` looks the style up by scanning every style of the document for every
paragraph, which takes minutes on a large document with many styles.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ..errors import InputError
from ..settings import ReadSettings
from .records import Record, first_line, make_record

HEADING_STYLES = ("heading", "title", "kop")  # style names (lower case) that mark a heading


def read_docx(data: bytes, settings: ReadSettings) -> list[Record]:
    import docx
    from docx.oxml.ns import qn

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError("not a .docx file (not a ZIP container)", code="RD210")
    _check_unpacked_size(data, settings.max_uncompressed_mb)
    try:
        document = docx.Document(io.BytesIO(data))
        styles = _style_names(document, qn)
    except Exception as exc:  # python-docx raises KeyError, ValueError, BadZipFile...
        raise InputError(f"cannot open .docx ({first_line(exc)})", code="RD210") from None
    blocks: list[str] = []
    first_heading = None
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = child.text.strip()
            style = styles.get(child.style or "", "").lower()
            if text and style.startswith(HEADING_STYLES):
                first_heading = first_heading or text
            blocks.append(text)
        elif tag == "tbl":
            blocks.extend(_table_rows(child, qn))
    props = document.core_properties
    date = props.created if props.created else None
    meta = {"author": props.author} if props.author else {}
    text = "\n\n".join(b for b in blocks if b)
    return [make_record(text, title=props.title or first_heading, date=date, metadata=meta)]


def _check_unpacked_size(data: bytes, max_mb: float) -> None:
    """Refuse before unpacking: the members' declared sizes bound what zipfile will inflate."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"cannot open .docx ({first_line(exc)})", code="RD210") from None
    if unpacked > max_mb * 1024 * 1024:
        raise InputError(f".docx unpacks to {unpacked / 1024 / 1024:.0f} MB, over "
                         f"ingest.read.max_uncompressed_mb ({max_mb:g} MB): a zip bomb, or a "
                         "document too large to read",
                         hint="split the document, or raise the limit if you trust it",
                         code="RD214")


def _style_names(document: Any, qn: Any) -> dict[str, str]:
    """Style id -> style name, built once per document."""
    names = {}
    for style in document.styles.element.iterchildren(qn("w:style")):
        style_id, name = style.get(qn("w:styleId")), style.find(qn("w:name"))
        if style_id is not None and name is not None:
            names[style_id] = name.get(qn("w:val")) or ""
    return names


def _table_rows(table: Any, qn: Any) -> list[str]:
    """One block per row: its cells' texts joined by ' | ', repeated (merged) cells once."""
    rows = []
    for row in table.iterchildren(qn("w:tr")):
        cells = ["\n".join(p.text for p in cell.iterchildren(qn("w:p"))).strip()
                 for cell in row.iterchildren(qn("w:tc"))]
        rows.append(" | ".join(dict.fromkeys(c for c in cells if c)))
    return rows


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
        raise InputError(f"cannot read PDF ({first_line(exc)})", code="RD211") from None
    if not any(page.strip() for page in pages):
        raise InputError("PDF has no text layer (a scan?)",
                         hint="run OCR on it first (e.g. ocrmypdf) and add the result",
                         code="RD212")
    return [make_record("\n\n".join(_reflow_pdf_page(p) for p in pages), title=title)]


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
