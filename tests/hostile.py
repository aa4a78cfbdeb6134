"""A hostile corpus: every kind of entry and record that once hung, aborted or lost records.

``build_hostile_corpus(root)`` writes ``root/corpus`` and, next to it, ``root/outside`` with a
marker string that must never reach any output. Cases the file system cannot hold (FIFOs,
sockets, symbolic links, file names that are not UTF-8) are left out and listed with the reason.
Run it by hand to get a corpus to try: ``python tests/hostile.py /tmp/hostile``.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers.texts import dutch_text  # noqa: E402

MARKER = "BUITEN-DE-CORPUSMAP-7f3a9c"
LATIN1_NAME = b"caf\xe9-latin1.md"
LATIN1_SOURCE = "caf\\xe9-latin1.md"  # the name as the manifest writes it


@dataclass
class Hostile:
    corpus: Path
    outside: Path
    expected: dict[str, tuple[set[str], str]] = field(default_factory=dict)  # rel: statuses, text
    records: dict[str, int] = field(default_factory=dict)  # rel: rows that file must give
    left_out: dict[str, str] = field(default_factory=dict)  # case: why it could not be built

    def add(self, rel: str, content: str | bytes, statuses: set[str] | str,
            reason: str = "") -> None:
        path = self.corpus / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        if statuses:  # files of several records are checked per record (see ``records``)
            self.expect(rel, statuses, reason)

    def expect(self, rel: str, statuses: set[str] | str, reason: str = "") -> None:
        self.expected[rel] = ({statuses} if isinstance(statuses, str) else statuses, reason)


def story(seed: int, title: str) -> str:
    return f"---\ntitle: {title}\n---\n{dutch_text(seed)}\n"


def build_hostile_corpus(root: Path) -> Hostile:
    h = Hostile(root / "corpus", root / "outside")
    h.corpus.mkdir(parents=True)
    (h.outside / "map").mkdir(parents=True)
    (h.outside / "geheim.txt").write_text(f"Geheim\n\n{MARKER} {dutch_text(90)}\n")
    (h.outside / "map" / "geheim.md").write_text(story(91, MARKER))
    h.add("verhalen/echt.md", story(1, "Een echt verhaal"), {"processed", "skipped"})
    _special_files(h)
    _links(h)
    _odd_names(h)
    _records(h)
    _front_matter(h)
    _office(h)
    return h


def _special_files(h: Hostile) -> None:
    try:
        os.mkfifo(h.corpus / "pijp.txt")
        h.expect("pijp.txt", "skipped", "not a regular file (fifo)")
    except (AttributeError, OSError) as exc:
        h.left_out["fifo"] = f"cannot make a FIFO here: {exc}"
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(h.corpus / "sok.txt"))
        h.expect("sok.txt", "skipped", "not a regular file (socket)")
    except (AttributeError, OSError) as exc:
        h.left_out["socket"] = f"cannot make a Unix socket here: {exc}"


def _links(h: Hostile) -> None:
    links = [("nul.txt", "/dev/zero", "skipped", "outside the corpus folder"),
             ("passwd.txt", "/etc/passwd", "skipped", "outside the corpus folder"),
             ("geheim.txt", str(h.outside / "geheim.txt"), "skipped", "outside the corpus"),
             ("buiten", str(h.outside / "map"), "skipped", "outside the corpus folder"),
             ("lus", ".", "skipped", "symbolic link loop"),
             ("verhalen/terug", "..", "skipped", "symbolic link loop"),
             ("weg.txt", "nergens.txt", "skipped", "broken symbolic link"),
             ("binnen-link.md", "verhalen/echt.md", {"processed", "skipped"}, ""),
             ("alias", "verhalen", set(), ""),  # followed: its files get rows of their own
             ("alias-twee", "verhalen", "skipped", "already read through alias")]
    for rel, target, statuses, reason in links:
        try:
            os.symlink(target, h.corpus / rel)
        except (AttributeError, OSError, NotImplementedError) as exc:
            h.left_out["symlinks"] = f"cannot make symbolic links here: {exc}"
            return
        if statuses:
            h.expect(rel, statuses, reason)
    h.expect("alias/echt.md", {"processed", "skipped"})


def _odd_names(h: Hostile) -> None:
    try:
        with open(os.path.join(os.fsencode(h.corpus), LATIN1_NAME), "wb") as handle:
            handle.write(story(2, "Café in Latin-1").encode("utf-8"))
        h.expect(LATIN1_SOURCE, "processed")
    except (OSError, ValueError) as exc:  # e.g. APFS refuses names that are not UTF-8
        h.left_out["non-utf8-name"] = f"the file system refuses the name: {exc}"


def _records(h: Hostile) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    h.add("diep.json", deep, "failed", "nested too deeply")
    h.add("surrogaat.json", '{"title": "lone \\ud800 surrogate", "score": NaN, "groot": '
          f'Infinity, "text": {json.dumps(dutch_text(3))}}}', "processed")
    lines = ['{"id": "s-1", "title": "lone \\ud800 surrogate", "text": '
             f'{json.dumps(dutch_text(4))}}}',
             '{"id": "s-2", "te\\udfffkst": 1, "text": ' + json.dumps(dutch_text(5)) + "}",
             '{"id": "s-3", "text": ' + deep + "}",
             '{"id": "s-4", "text": "afgebroken',
             '{"id": "s-5", "text": "x", "meta": ' + "[" * 500 + "]" * 500 + "}"]
    h.add("surrogaat.jsonl", "\n".join(lines) + "\n", set())
    h.records["surrogaat.jsonl"] = len(lines)
    rows = ["id,title,text",
            f'c1,Eerste,"{dutch_text(6)}"',
            'c2,Kapot,"half"quote,x',
            f'c3,Groot,"{" ".join([dutch_text(7)] * 200)}"',  # one field of ~200,000 chars
            'c4,Open,"begint maar sluit nooit',
            f'c5,Laatste,"{dutch_text(8)}"']
    assert len(rows[3]) > 131_072
    h.add("rijen.csv", "\n".join(rows) + "\n", set())
    h.records["rijen.csv"] = len(rows) - 1


def _front_matter(h: Hostile) -> None:
    bomb = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 9):
        bomb.append(f"{chr(97 + n)}: &{chr(97 + n)} [" + ",".join([f"*{chr(96 + n)}"] * 9) + "]")
    h.add("bom.md", "\n".join(bomb) + "\n---\n" + dutch_text(9) + "\n", "failed",
          "anchors and aliases are not allowed")
    big = "---\ntitle: Groot\nnotities: |\n" + "  regel met notities\n" * 4000 + "---\n"
    h.add("groot-front.md", big + dutch_text(10) + "\n", "failed", "max_front_matter_kb")
    h.add("datum.md", "---\ntitle: Foute datum\ndate: 2021-02-30\n---\n" + dutch_text(11)
          + "\n", "processed")
    h.add("yaml-waarden.md", "---\ntitle: Waarden\nset: !!set {b: null, a: null}\n"
          "nan: .nan\ninf: -.inf\nbin: !!binary AAEC/w==\ntekst: !!binary aGFsbG8=\n"
          "moment: 2020-05-01 10:30:00\n2020-01-01: nieuwjaar\npaar: !!omap [x: 1, y: 2]\n"
          "---\n" + dutch_text(12) + "\n", "processed")


def _office(h: Hostile) -> None:
    h.add("stijlen.docx", styled_docx(), "processed")
    h.add("zipbom.docx", zip_bomb(), "failed", "max_uncompressed_mb")


def styled_docx(n_styles: int = 3000, n_paragraphs: int = 20000) -> bytes:
    """About 5 MB of XML in a small .docx: many styles, every paragraph using the last one,
    the case that made python-docx scan every style for every paragraph. The paragraphs are
    single words, so the text stays well under spaCy's one-million-character limit."""
    import io

    import docx

    document = docx.Document()
    document.add_heading("Veel stijlen", 0)
    buffer = io.BytesIO()
    document.save(buffer)
    words = dutch_text(13).split()
    styles = "".join(f'<w:style w:type="paragraph" w:styleId="Stijl{i}"><w:name w:val="Stijl '
                     f'{i}"/><w:basedOn w:val="Normal"/></w:style>' for i in range(n_styles))
    paragraph = ('<w:p><w:pPr><w:pStyle w:val="Stijl{last}"/><w:spacing w:before="0" '
                 'w:after="0"/><w:jc w:val="left"/></w:pPr><w:r><w:rPr><w:b/><w:i/>'
                 '<w:sz w:val="20"/></w:rPr><w:t>{text}</w:t></w:r></w:p>')
    body = "".join(paragraph.format(last=n_styles - 1, text=words[i % len(words)])
                   for i in range(n_paragraphs))
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/styles.xml":
                data = data.replace(b"</w:styles>", styles.encode() + b"</w:styles>")
            elif info.filename == "word/document.xml":
                data = data.replace(b"<w:sectPr", body.encode() + b"<w:sectPr", 1)
            target.writestr(info.filename, data)
    return out.getvalue()


def zip_bomb(megabytes: int = 210) -> bytes:
    """A .docx-named ZIP whose member unpacks to more than the default 200 MB limit."""
    import io

    out = io.BytesIO()
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


if __name__ == "__main__":
    built = build_hostile_corpus(Path(sys.argv[1]))
    print(f"corpus: {built.corpus}\nleft out: {built.left_out or 'nothing'}")
