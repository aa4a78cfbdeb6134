"""Document ids: filename-safe, never a path, unique, and stable as the corpus grows."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from helpers import documents, manifest, md_story, run_ingest, write
from helpers.texts import dutch_text

from pipeline.ingest.ids import MAX_LENGTH, assign_ids, slugify

SAFE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


@pytest.mark.parametrize("value", [
    "../../etc/passwd", "..", "/", "", "C:\\Windows\\system32", "Één café in Ede",
    "Werk & Inkomen: 50+ (2019)", "x" * 200, "a" * 79 + "-b" * 10, "日本語", "\u0000nul",
    "--leading-and-trailing--", "CON", "id with\nnewline",
])
def test_slugify_is_filename_safe(value):
    slug = slugify(value)
    assert SAFE.match(slug), slug
    assert len(slug) <= MAX_LENGTH
    assert "/" not in slug and ".." not in slug


def test_slugify_keeps_meaningful_ascii():
    assert slugify("Één café in Ede") == "een-cafe-in-ede"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("日本語") == "doc"


def test_collisions_get_distinct_ids_independent_of_order():
    entries = [("a/verhaal.md", None, None), ("b/verhaal.txt", None, None),
               ("c/anders.md", None, None)]
    ids = assign_ids(entries)
    assert ids[2] == "anders"
    assert ids[0] != ids[1] and ids[0].startswith("verhaal-") and ids[1].startswith("verhaal-")
    assert assign_ids(entries[::-1]) == ids[::-1]


def test_collision_suffix_keeps_ids_within_the_length_limit():
    stem = "x" * 120
    ids = assign_ids([(f"a/{stem}.md", None, None), (f"b/{stem}.md", None, None)])
    assert len(set(ids)) == 2
    assert all(len(i) <= MAX_LENGTH and SAFE.match(i) for i in ids)


def test_records_without_a_given_id_are_numbered():
    ids = assign_ids([("export/data.jsonl", 1, None), ("export/data.jsonl", 2, None),
                      ("export/data.jsonl", 3, "Eigen Id")])
    assert ids == ["data-1", "data-2", "eigen-id"]


def test_ids_stay_unique_when_a_file_is_named_like_a_collision_suffix():
    digest = hashlib.sha1(b"a/verhaal.md#None").hexdigest()[:6]
    ids = assign_ids([("a/verhaal.md", None, None), ("b/verhaal.md", None, None),
                      (f"c/verhaal-{digest}.md", None, None)])
    assert len(set(ids)) == 3, ids


# -- through a real run -----------------------------------------------------------------------


def build(corpus):
    write(corpus / "a" / "verhaal.md", md_story(601, "Verhaal uit map a"))
    write(corpus / "b" / "verhaal.txt", "Verhaal uit map b\n\n" + dutch_text(602) + "\n")
    write(corpus / "export" / "records.jsonl", "\n".join([
        json.dumps({"id": "../../etc/passwd", "title": "Pad", "text": dutch_text(603)}),
        json.dumps({"id": "Werk & Inkomen / 2019", "title": "Raar", "text": dutch_text(604)}),
        json.dumps({"title": "Zonder id", "text": dutch_text(605)}),
    ]) + "\n")


def test_ids_in_a_run_are_safe_unique_and_stable(tmp_path):
    corpus = tmp_path / "corpus"
    build(corpus)
    first = run_ingest(corpus, tmp_path / "out")
    rows = manifest(first)
    ids = {(r["source"], r["record"]): r["id"] for r in rows}
    assert all(SAFE.match(i) and len(i) <= MAX_LENGTH for i in ids.values())
    assert len(set(ids.values())) == len(ids)
    assert ids[("export/records.jsonl", 1)] == "etc-passwd"
    assert ids[("export/records.jsonl", 2)] == "werk-inkomen-2019"
    assert ids[("export/records.jsonl", 3)] == "records-3"
    a, b = ids[("a/verhaal.md", None)], ids[("b/verhaal.txt", None)]
    assert a != b and a.startswith("verhaal-") and b.startswith("verhaal-")
    assert {d["id"] for d in documents(first)} == set(ids.values())

    # an unrelated third file changes no existing id
    write(corpus / "c" / "iets-anders.md", md_story(606, "Iets anders"))
    second = run_ingest(corpus, tmp_path / "out")
    again = {(r["source"], r["record"]): r["id"] for r in manifest(second)}
    assert again.pop(("c/iets-anders.md", None)) == "iets-anders"
    assert again == ids

    # a fresh outputs folder (no cache) gives the same ids
    fresh = run_ingest(corpus, tmp_path / "out-2")
    assert {(r["source"], r["record"]): r["id"] for r in manifest(fresh)} == \
        {**ids, ("c/iets-anders.md", None): "iets-anders"}
