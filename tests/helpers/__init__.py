"""Builders for real fixture files and shortcuts for in-process runs (no mocks)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pipeline import ingest
from pipeline.config import load_config
from pipeline.runner import Runner, RunResult
from pipeline.settings import Settings

from .texts import dutch_text

REPO = Path(__file__).resolve().parents[2]

DEFAULT_CONFIG = REPO / "configs" / "default.yaml"
BUNDLED_CORPUS = REPO / "corpus"


# -- settings and runs -----------------------------------------------------------------------


def make_settings(*overrides: str) -> Settings:
    """The default profile plus ``--set`` style overrides, loaded the way the CLI loads it."""
    return load_config(DEFAULT_CONFIG, overrides)


def run_ingest(corpus: Path, out: Path, *overrides: str) -> RunResult:
    """Run only the ingest stage in-process (independent of stages added later)."""
    runner = Runner([ingest.STAGE], make_settings(*overrides), corpus, out)
    return runner.run()


def manifest(result: RunResult) -> list[dict]:
    return result.outputs["ingest"]["manifest.jsonl"]


def documents(result: RunResult) -> list[dict]:
    return result.outputs["ingest"]["corpus.jsonl"]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def assert_paragraph_offsets(doc: dict) -> None:
    """Every paragraph span indexes the cleaned text; paragraphs join back into the text."""
    text = doc["text"]
    assert doc["paragraphs"], f"{doc['id']}: no paragraphs"
    pieces = []
    for span in doc["paragraphs"]:
        piece = text[span["start"]:span["end"]]
        assert piece, f"{doc['id']}: empty paragraph {span}"
        assert "\n\n" not in piece, f"{doc['id']}: paragraph spans a blank line: {piece!r}"
        assert piece == piece.strip(), f"{doc['id']}: paragraph has outer whitespace"
        pieces.append(piece)
    assert "\n\n".join(pieces) == text


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode(encoding)
    path.write_bytes(content)
    return path


def md_story(seed: int, title: str, extra: str = "", paragraphs: int = 3) -> str:
    """A Dutch markdown story of 100+ words with a front-matter title."""
    body = dutch_text(seed, paragraphs=paragraphs)
    return f"---\ntitle: {title}\n---\n{extra}{body}\n"


# -- office formats --------------------------------------------------------------------------


def make_docx(path: Path, title: str | None, blocks: list[tuple[str, object]],
              created: tuple[int, int, int] | None = (2020, 3, 5)) -> Path:
    """Blocks are ("heading", text), ("heading1", text), ("p", text) or ("table", rows)."""
    import docx

    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    if created is not None:
        document.core_properties.created = dt.datetime(*created, 10, 0, 0)
    for kind, value in blocks:
        if kind == "heading":
            document.add_heading(str(value), 0)
        elif kind == "heading1":
            document.add_heading(str(value), 1)
        elif kind == "p":
            document.add_paragraph(str(value))
        elif kind == "table":
            rows = list(value)  # type: ignore[arg-type]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def make_pdf_bytes(paragraphs: list[str], title: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2021, 1, 1, tzinfo=dt.UTC))
    if title:
        pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(4)
    return bytes(pdf.output())


def make_pdf(path: Path, paragraphs: list[str], title: str | None = None) -> Path:
    return write(path, make_pdf_bytes(paragraphs, title))




# -- the command line ------------------------------------------------------------------------


def invoke_cli(*args: object):
    """Run the real click command line in-process and return click's Result.

    The CLI attaches a stderr handler to the 'rodedraden' logger; it is removed again here so a
    handler bound to CliRunner's (then closed) stream never outlives the call.
    """
    import logging

    from click.testing import CliRunner

    from pipeline.cli import cli as command

    logger = logging.getLogger("rodedraden")
    saved = list(logger.handlers), logger.level, logger.propagate
    try:
        return CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)
    finally:
        logger.handlers = saved[0]
        logger.setLevel(saved[1])
        logger.propagate = saved[2]


def document_with_paragraphs(doc_id: str, paragraphs: list[str]) -> dict:
    """An ingested document as later stages see it: paragraphs joined by a blank line, with
    their offsets into the text."""
    text, spans = "", []
    for paragraph in paragraphs:
        if text:
            text += "\n\n"
        spans.append({"start": len(text), "end": len(text) + len(paragraph)})
        text += paragraph
    return {"id": doc_id, "text": text, "paragraphs": spans}
