"""``rodedraden.sqlite``: the run's results as relational tables, for SQL and BI tools.

Tables: documents, paragraphs, entities, themes, document_themes, partners, plus
document_regions and document_doelgroepen for the questions analysts ask most ("which themes
occur with statushouders in which labour-market regions?"). Foreign keys are declared and
enforced; every foreign-key column is indexed. The file is built in a temporary location and
returned as bytes, so the runner can write it atomically like any other artifact.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SCHEMA = """
PRAGMA foreign_keys = ON;
CREATE TABLE themes (
    id INTEGER PRIMARY KEY, label TEXT NOT NULL, curated_label TEXT, parent INTEGER,
    units INTEGER NOT NULL, documents INTEGER NOT NULL, share_units REAL, rode_draad INTEGER,
    top_terms TEXT NOT NULL);
CREATE TABLE documents (
    id TEXT PRIMARY KEY, title TEXT, date TEXT, source TEXT NOT NULL, format TEXT NOT NULL,
    n_words INTEGER, language TEXT, pps INTEGER NOT NULL,
    main_theme INTEGER REFERENCES themes(id), text TEXT NOT NULL);
CREATE TABLE paragraphs (
    document_id TEXT NOT NULL REFERENCES documents(id), idx INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (document_id, idx));
CREATE TABLE entities (
    id INTEGER PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id),
    type TEXT NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    paragraph INTEGER NOT NULL, source TEXT NOT NULL, canonical_id TEXT NOT NULL,
    name TEXT NOT NULL, kind TEXT, sector TEXT, generic INTEGER, region TEXT, province TEXT);
CREATE TABLE document_themes (
    document_id TEXT NOT NULL REFERENCES documents(id),
    theme_id INTEGER NOT NULL REFERENCES themes(id), weight REAL NOT NULL,
    PRIMARY KEY (document_id, theme_id));
CREATE TABLE partners (
    document_id TEXT NOT NULL REFERENCES documents(id), organisation_id TEXT NOT NULL,
    name TEXT NOT NULL, kind TEXT, sector TEXT, generic INTEGER NOT NULL,
    mentions INTEGER NOT NULL, PRIMARY KEY (document_id, organisation_id));
CREATE TABLE document_regions (
    document_id TEXT NOT NULL REFERENCES documents(id), level TEXT NOT NULL,
    region_id TEXT NOT NULL, PRIMARY KEY (document_id, level, region_id));
CREATE TABLE document_doelgroepen (
    document_id TEXT NOT NULL REFERENCES documents(id), doelgroep_id TEXT NOT NULL,
    PRIMARY KEY (document_id, doelgroep_id));
CREATE TABLE lessons (
    id INTEGER PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id),
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, type TEXT, confidence REAL,
    text TEXT NOT NULL);
CREATE TABLE quantities (
    lesson_id INTEGER NOT NULL REFERENCES lessons(id), start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, text TEXT NOT NULL, value REAL NOT NULL, high REAL,
    approximate INTEGER NOT NULL, unit TEXT, counts TEXT, kind TEXT NOT NULL);
CREATE INDEX idx_documents_main_theme ON documents(main_theme);
CREATE INDEX idx_lessons_document ON lessons(document_id);
CREATE INDEX idx_lessons_type ON lessons(type);
CREATE INDEX idx_entities_document ON entities(document_id);
CREATE INDEX idx_entities_canonical ON entities(canonical_id);
CREATE INDEX idx_document_themes_theme ON document_themes(theme_id);
CREATE INDEX idx_partners_organisation ON partners(organisation_id);
CREATE INDEX idx_regions_region ON document_regions(region_id);
CREATE INDEX idx_doelgroepen_doelgroep ON document_doelgroepen(doelgroep_id);
"""


def build_database(documents: Sequence[dict[str, Any]], themes: Sequence[dict[str, Any]]
                   ) -> bytes:
    """The SQLite file for tagged ``documents`` (export records) and ``themes``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rodedraden.sqlite"
        db = sqlite3.connect(path)
        try:
            db.executescript(SCHEMA)
            _insert(db, documents, themes)
            db.commit()
            db.execute("VACUUM")
        finally:
            db.close()
        return path.read_bytes()


def _insert(db: sqlite3.Connection, documents: Sequence[dict[str, Any]],
            themes: Sequence[dict[str, Any]]) -> None:
    db.executemany("INSERT INTO themes VALUES (?,?,?,?,?,?,?,?,?)", [
        (t["id"], t["label"], t.get("curated_label"), t.get("parent"), t["size"]["units"],
         t["size"]["documents"], t.get("share", {}).get("units"), int(bool(t.get("rode_draad"))),
         json.dumps([x["term"] for x in t["terms"][:10]], ensure_ascii=False,
                    allow_nan=False))
        for t in themes])
    for doc in documents:
        meta = doc["metadata"]
        db.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)", (
            doc["id"], meta["title"], meta["date"], meta["source"], meta["format"],
            meta.get("n_words"), (meta.get("language") or {}).get("code"), int(doc["pps"]),
            doc["main_theme"], doc["text"]))
        db.executemany("INSERT INTO paragraphs VALUES (?,?,?,?,?)", [
            (doc["id"], p["index"], p["start"], p["end"], doc["text"][p["start"]:p["end"]])
            for p in doc["paragraphs"]])
        db.executemany(
            "INSERT INTO entities (document_id, type, text, start, \"end\", paragraph, source, "
            "canonical_id, name, kind, sector, generic, region, province) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
                (doc["id"], e["type"], e["text"], e["start"], e["end"], e["paragraph"],
                 e["source"], e["id"], e["name"], e.get("kind"), e.get("sector"),
                 None if "generic" not in e else int(e["generic"]), e.get("region"),
                 e.get("province")) for e in doc["entities"]])
        db.executemany("INSERT INTO document_themes VALUES (?,?,?)", [
            (doc["id"], t["theme"], t["weight"]) for t in doc["themes"]])
        db.executemany("INSERT INTO partners VALUES (?,?,?,?,?,?,?)", [
            (doc["id"], p["id"], p["name"], p["kind"], p["sector"], int(p["generic"]),
             p["mentions"]) for p in doc["partners"]])
        db.executemany("INSERT INTO document_regions VALUES (?,?,?)", [
            (doc["id"], level, region) for level, ids in doc["regions"].items()
            for region in ids])
        db.executemany("INSERT INTO document_doelgroepen VALUES (?,?)", [
            (doc["id"], group) for group in doc["doelgroepen"]])
        for lesson in doc.get("lessons", []):
            cursor = db.execute(
                "INSERT INTO lessons (document_id, start, \"end\", type, confidence, text) "
                "VALUES (?,?,?,?,?,?)", (doc["id"], lesson["start"], lesson["end"],
                                         lesson["type"], lesson["confidence"],
                                         doc["text"][lesson["start"]:lesson["end"]]))
            db.executemany("INSERT INTO quantities VALUES (?,?,?,?,?,?,?,?,?,?)", [
                (cursor.lastrowid, q["start"], q["end"], q["text"], q["value"], q["high"],
                 int(q["approximate"]), q["unit"], q["counts"], q["kind"])
                for q in lesson["quantities"]])
