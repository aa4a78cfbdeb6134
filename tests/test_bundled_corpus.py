"""End to end over the bundled corpus/: the manifest accounts for every file."""

from __future__ import annotations

import pytest
from helpers import BUNDLED_CORPUS, assert_paragraph_offsets, documents, manifest, run_ingest


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    result = run_ingest(BUNDLED_CORPUS, tmp_path_factory.mktemp("bundled") / "out")
    return {"rows": manifest(result), "docs": documents(result),
            "summary": result.outputs["ingest"]["ingest_summary.json"]}


def test_bundled_corpus_run(bundled):
    rows, docs = bundled["rows"], bundled["docs"]
    files = {p.relative_to(BUNDLED_CORPUS).as_posix()
             for p in BUNDLED_CORPUS.rglob("*") if p.is_file()}
    # every file under corpus/ is in the manifest, excluded ones included
    assert {r["source"] for r in rows} == files
    excluded = [r for r in rows if r["source"].rsplit("/", 1)[-1] == "README.md"
                or r["source"].startswith("gold/")]
    assert "README.md" in {r["source"] for r in excluded}  # the corpus says what is there
    for row in excluded:
        assert row["status"] == "skipped" and "excluded by ingest.read.exclude" in row["reason"]
    processed = [r for r in rows if r["status"] == "processed"]
    assert len(processed) >= 40
    assert [r for r in rows if r["status"] == "failed"] == []
    assert bundled["summary"]["by_status"]["processed"] == len(processed)
    formats = {r["format"] for r in processed}
    assert {"md", "txt", "html", "jsonl", "csv", "docx", "pdf"} <= formats

    by_id = {r["id"]: r for r in rows}
    near = by_id["43-groningen-uitzendbureaus-convenant-overgenomen"]
    assert near["status"] == "skipped"
    assert near["duplicate_of"] == "01-convenant-uitzendbureaus-groningen"
    assert near["reason"].startswith("near (")
    english = by_id["44-temp-agencies-technology-achterhoek-english"]
    assert english["status"] == "skipped" and english["language"] == "en"
    assert "language is 'en'" in english["reason"]

    assert len({d["id"] for d in docs}) == len(docs) == len(processed)
    for doc in docs:
        assert_paragraph_offsets(doc)
        assert doc["language"]["code"] == "nl"
        assert doc["title"], doc["id"]
        assert doc["n_words"] >= 200, (doc["id"], doc["n_words"])
        for noise in ("Deel dit artikel", "Home >", "Lees verder"):
            assert noise not in doc["text"], (doc["id"], noise)
