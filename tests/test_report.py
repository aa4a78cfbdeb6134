"""report.html: corpus text escaped everywhere, entity marks on exactly the right text, valid
filter data, and (where Chromium is installed) the page rendered by a real headless browser
with script payloads in a title and a body that must not run."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import plotly.graph_objects as go
import pytest
from markupsafe import escape

from pipeline.export.report import build_report, highlight

TITLE_PAYLOAD = "<script>alert(1)</script>"
BODY_PAYLOAD = '<img src=x onerror="document.body.dataset.pwned=1">'
LABEL_PAYLOAD = "</script><script>document.body.dataset.pwned=3</script>"
NAME_PAYLOAD = '"><img src=x onerror="document.body.dataset.pwned=4">'
FILE_PAYLOAD = "<svg onload=document.body.dataset.pwned=5>.md"
FIGURE_PAYLOAD = "a</script><script>document.body.dataset.pwned=6</script>"
PAYLOADS = (TITLE_PAYLOAD, BODY_PAYLOAD, LABEL_PAYLOAD, NAME_PAYLOAD, FILE_PAYLOAD,
            FIGURE_PAYLOAD)

TEXT_1 = ("Statushouders in Groot Amsterdam krijgen hulp van UWV Werkbedrijf Amsterdam.\n\n"
          f"{BODY_PAYLOAD} Einde.")
TEXT_2 = 'De "jongeren<br>" in Rijnmond & omstreken vinden werk.'
TEXT_3 = "Een verhaal uit Groot Amsterdam zonder doelgroep."


def entity(text: str, part: str, kind: str, ident: str, name: str, **extra) -> dict:
    start = text.index(part)
    return {"type": kind, "text": part, "start": start, "end": start + len(part),
            "paragraph": 0, "source": "gazetteer", "id": ident, "name": name, "kind": "x",
            **extra}


def record(ident: str, title: str, text: str, entities: list, regions: list, groups: list,
           themes: list) -> dict:
    return {"schema_version": "2.2", "id": ident,
            "metadata": {"title": title, "date": "2020-01-01", "source": f"verhalen/{ident}.md",
                         "format": "md", "record": None, "n_words": len(text.split()),
                         "language": {"code": "nl", "confidence": 1.0},
                         "extra": {"auteur": "<b>redactie</b>"}},
            "text": text, "paragraphs": [{"index": 0, "start": 0, "end": len(text)}],
            "entities": entities, "partners": [], "pps": False,
            "regions": {"gemeenten": [], "arbeidsmarktregios": regions, "provincies": [],
                        "landen": [], "plaatsen": [], "onzeker": []},
            "doelgroepen": groups,
            "themes": [{"theme": t, "label": f"thema {t}", "weight": 0.5} for t in themes],
            "main_theme": themes[0] if themes else None,
            "provenance": {"rodedraden": "0", "spacy_pipeline": "blank:nl",
                           "config_hash": "abc"}}


ENTITIES_1 = [
    entity(TEXT_1, "Statushouders", "DOELGROEP", "DG:statushouders", "statushouders"),
    entity(TEXT_1, "Groot Amsterdam", "REGION", "AM18", "Groot Amsterdam"),
    entity(TEXT_1, "UWV Werkbedrijf Amsterdam", "ORGANISATION", "ORG:uwv", "UWV",
           sector="publiek"),
    # a region inside the organisation name: overlaps, and is never highlighted
    {**entity(TEXT_1, "Amsterdam.", "REGION", "GM0363", "Amsterdam"),
     "end": TEXT_1.index("Amsterdam.") + 9, "inside_organisation": True},
]
ENTITIES_2 = [entity(TEXT_2, "jongeren<br>", "DOELGROEP", "DG:jongeren", "jongeren"),
              entity(TEXT_2, "Rijnmond", "REGION", "AM21", "Rijnmond")]
ENTITIES_3 = [entity(TEXT_3, "Groot Amsterdam", "REGION", "AM18", "Groot Amsterdam")]
RECORDS = [
    record("doc-a", TITLE_PAYLOAD, TEXT_1, ENTITIES_1, ["AM18"], ["DG:statushouders"], [0]),
    record("doc-b", "Jongeren & werk in Rijnmond", TEXT_2, ENTITIES_2, ["AM21"],
           ["DG:jongeren"], [1, 0]),
    record("doc-c", "Zonder doelgroep", TEXT_3, ENTITIES_3, ["AM18"], [], []),
]
THEME_DATA = {
    "themes": [
        {"id": 0, "label": LABEL_PAYLOAD, "curated_label": None,
         "terms": [{"term": "statushouders", "weight": 0.3}], "size": {"units": 3, "documents": 2},
         "share": {"units": 0.6, "words": 0.5}, "rode_draad": True,
         "documents": ["doc-a", "doc-b"], "parent": "h2",
         "passages": [{"doc_id": "doc-a", "start": 0, "end": 20, "excerpt": BODY_PAYLOAD,
                       "similarity": 0.8}],
         "spread": {"documents": 2, "arbeidsmarktregios": 2, "provincies": None,
                    "gemeenten": None},
         "profile": {"pps_share": 0.5, "regions": {"arbeidsmarktregios": [
             {"id": "AM18", "name": "Groot Amsterdam", "documents": 1, "share": 0.5}]},
             "organisations": [], "doelgroepen": [
                 {"id": "DG:jongeren", "name": NAME_PAYLOAD, "documents": 1, "share": 0.5}]}},
        {"id": 1, "label": "jongeren, werk", "curated_label": "Jongeren aan het werk",
         "terms": [{"term": "jongeren", "weight": 0.4}], "size": {"units": 1, "documents": 1},
         "rode_draad": False, "documents": ["doc-b"], "parent": None, "passages": [],
         "spread": {"documents": 1}},  # share and profile left out: optional
    ],
    "hierarchy": [{"id": "h2", "label": "statushouders_jongeren", "children": [0, 1],
                   "themes": [0, 1], "distance": 0.5}],
    "outliers": {"units": 1, "documents": []},
}
MANIFEST = [{"id": r["id"], "source": r["metadata"]["source"], "record": None, "format": "md",
             "status": "processed", "reason": None, "title": r["metadata"]["title"],
             "duplicate_of": None, "n_words": 10, "language": "nl"} for r in RECORDS] + [
    {"id": "bad", "source": FILE_PAYLOAD, "record": None, "format": "md", "status": "skipped",
     "reason": "<i>empty</i> file", "title": None, "duplicate_of": None, "n_words": None,
     "language": None}]
NAMES = {"DG:statushouders": "statushouders", "DG:jongeren": NAME_PAYLOAD,
         "AM18": "Groot Amsterdam", "AM21": "Rijnmond"}


def figures() -> dict[str, str]:
    bar = go.Figure(go.Bar(x=[3, 1], y=[FIGURE_PAYLOAD, "b"], orientation="h"))
    return {"barchart": bar.to_json()}


def build(max_documents: int = 10, with_figures: bool = False) -> str:
    return build_report(RECORDS, THEME_DATA, MANIFEST, figures() if with_figures else None,
                        NAMES, max_documents)


def script_tags(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", page)


def report_data(page: str) -> tuple[str, dict]:
    raw = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page,
                    re.S).group(1)
    return raw, json.loads(raw)


def doc_texts(page: str) -> dict[str, str]:
    found = re.findall(r'<article class="card doc" id="doc-([^"]+)".*?'
                       r'<div class="doc-text">(.*?)</div>', page, re.S)
    return dict(found)


# -- unit ----------------------------------------------------------------------------------


def test_corpus_strings_appear_only_escaped():
    page = build()
    for payload in PAYLOADS:
        assert payload not in page
    assert str(escape(TITLE_PAYLOAD)) in page
    assert str(escape(BODY_PAYLOAD)) in page
    assert str(escape(FILE_PAYLOAD)) in page and "&lt;i&gt;empty&lt;/i&gt; file" in page
    assert "&lt;b&gt;redactie&lt;/b&gt;" in page
    # the only script elements are the page's own: the filter data and the code
    assert script_tags(page) == ['<script type="application/json" id="report-data">',
                                 "<script>"]
    assert "<img" not in page and "<svg" not in page and "<i>" not in page
    assert "<title>rodedraden report</title>" in page
    assert '<a href="#theme-1">#1</a>' in page  # theme 0 shares its parent h2 with theme 1


def test_entity_marks_wrap_exactly_the_entity_text():
    texts = doc_texts(build())
    for rec in RECORDS:
        shown = texts[rec["id"]]
        marks = re.findall(r'<mark class="ent ent-(\w+)" data-label="[^"]*" data-id="([^"]*)" '
                           r'title="([^"]*)">(.*?)</mark>', shown, re.S)
        expected = [e for e in rec["entities"] if not e.get("inside_organisation")]
        assert [html.unescape(body) for *_, body in marks] == \
            [rec["text"][e["start"]:e["end"]] for e in expected]
        assert [html.unescape(ident) for _, ident, _, _ in marks] == [e["id"] for e in expected]
        assert [css for css, *_ in marks] == [e["type"].lower() for e in expected]
        # without the marks, the text is exactly the document's text
        assert html.unescape(re.sub(r"</?mark[^>]*>", "", shown)) == rec["text"]
    tooltip = re.search(r'data-id="DG:jongeren" title="([^"]*)"', texts["doc-b"]).group(1)
    assert html.unescape(tooltip).startswith(NAME_PAYLOAD + " (DG:jongeren)")


def test_highlight_skips_bad_and_overlapping_spans():
    text = "Rotterdam en Den Haag"
    spans = [{"type": "REGION", "start": 0, "end": 9, "id": "GM0599", "name": "Rotterdam"},
             {"type": "REGION", "start": 3, "end": 12, "id": "x"},  # overlaps the first
             {"type": "REGION", "start": 13, "end": 99, "id": "y"},  # past the end
             {"type": "REGION", "start": 5, "end": 5, "id": "z"},  # empty
             {"type": "REGION", "start": "1", "end": 4, "id": "w"},  # not an offset
             {"type": "ODD", "start": 13, "end": 21, "id": "GM0518"}]
    marked = str(highlight(text, spans, {"GM0518": "'s-Gravenhage"}))
    assert re.findall(r">([^<>]+)</mark>", marked) == ["Rotterdam", "Den Haag"]
    assert 'class="ent ent-other"' in marked and "&#39;s-Gravenhage (GM0518)" in marked


def test_filter_data_is_valid_json_with_names():
    raw, data = report_data(build())
    assert "</" not in raw and "<" not in raw
    assert [d["id"] for d in data["documents"]] == ["doc-a", "doc-b", "doc-c"]
    assert data["documents"][0] == {"id": "doc-a", "doelgroep": ["DG:statushouders"],
                                    "regio": ["AM18"], "thema": ["0"]}
    assert {o["id"]: o["documents"] for o in data["regio"]} == {"AM18": 2, "AM21": 1}
    groups = {o["id"]: o["name"] for o in data["doelgroep"]}
    assert groups == {"DG:statushouders": "statushouders", "DG:jongeren": NAME_PAYLOAD}
    themes = {o["id"]: o["name"] for o in data["thema"]}
    assert themes == {"0": LABEL_PAYLOAD, "1": "Jongeren aan het werk"}


def test_documents_left_out_and_no_figures_are_reported():
    page = build(max_documents=2)
    assert set(doc_texts(page)) == {"doc-a", "doc-b"}
    assert 'id="doc-doc-c"' in page  # still listed and filterable, without its text
    assert "1 left out" in page and "first 2 in corpus order" in page
    assert 'id="no-figures"' in page and "* plotly.js v" not in page


def test_figures_embed_plotly_once_with_escaped_json():
    page = build(with_figures=True)
    tags = script_tags(page)
    assert tags.count("<script>") == 2  # plotly.js and the page's code
    assert page.count("* plotly.js v") == 1
    assert '<script type="application/json" id="figure-0-data">' in tags
    raw = re.search(r'id="figure-0-data">(.*?)</script>', page, re.S).group(1)
    assert "</" not in raw
    assert json.loads(raw)["data"][0]["y"][0] == FIGURE_PAYLOAD
    assert 'id="no-figures"' not in page and "Top terms per theme" in page
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)


def test_missing_optional_keys_do_not_crash():
    page = build_report([{"id": "x", "text": "kort"}], {"themes": [{"id": 3}]}, None,
                        {"figures": {}, "not_made": {"hierarchy": "fewer than two themes"}},
                        None, 5)
    assert "theme 3" in page and "hierarchy not made: fewer than two themes" in page
    assert 'id="no-figures"' in page
    assert "No themes were found" in build_report([], {}, [], None, {}, 0)
    broken = build_report([], {}, [], {"barchart": "{not json", "map": '{"x": NaN}'}, {}, 0)
    assert "barchart not made: the figure" in broken and "map not made: the figure" in broken
    assert "* plotly.js v" not in broken


# -- browser -------------------------------------------------------------------------------


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium found: install Debian's chromium to run the browser test")


def run_chromium(binary: str, profile: Path, url: str, *extra: str) -> str:
    """Chromium's output; its whole process group is killed after 60 s (an alert() from an
    unescaped payload, for one, keeps headless Chromium waiting forever)."""
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=3000",
               *extra, url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("Chromium did not finish in 60 s: a script on the page may be waiting on "
                    "a dialog (alert from an unescaped payload?)")
    assert process.returncode == 0, err[-2000:]
    return out


@pytest.fixture(scope="module")
def browser_report(tmp_path_factory):
    binary = chromium()
    folder = tmp_path_factory.mktemp("report")
    page = folder / "report.html"
    page.write_text(build(max_documents=10, with_figures=True), encoding="utf-8")
    return binary, page


@pytest.mark.parametrize(("query", "shown"), [
    ("", {"doc-a", "doc-b", "doc-c"}),
    ("?doelgroep=DG:statushouders", {"doc-a"}),
    ("?regio=AM18", {"doc-a", "doc-c"}),
    ("?thema=1", {"doc-b"}),
])
def test_browser_renders_filters_and_runs_no_payload(browser_report, tmp_path, query, shown):
    binary, page = browser_report
    dom = run_chromium(binary, tmp_path / "profile", page.as_uri() + query, "--dump-dom")
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert 'data-ready="1"' in body, body  # the page's script ran to its end
    assert "pwned" not in body and "data-pwned" not in dom
    assert re.search(r"<title>(.*?)</title>", dom).group(1) == "rodedraden report"
    assert '<select id="filter-doelgroep"' in dom and '<select id="filter-regio"' in dom
    assert f"Showing {len(shown)} of 3 documents" in dom
    articles = dict(re.findall(r'<article class="card doc" id="doc-([^"]+)"([^>]*)>', dom))
    assert set(articles) == {"doc-a", "doc-b", "doc-c"}
    assert {ident for ident, attrs in articles.items() if "hidden" not in attrs} == shown
    assert 'data-rendered="1"' in dom and "main-svg" in dom  # plotly drew the figure


def test_browser_screenshot(browser_report, tmp_path):
    binary, page = browser_report
    shot = tmp_path / "report.png"
    run_chromium(binary, tmp_path / "profile", page.as_uri(), f"--screenshot={shot}",
                 "--window-size=1280,2000")
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
