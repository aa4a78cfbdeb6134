"""The gazetteers: curator-editable data files turned into one catalogue of canonical entries.

Files (in ``entities.gazetteer_dir``; formats documented in each file's header and BRON.md):
``gemeenten.csv``, ``arbeidsmarktregios.csv``, ``provincies.csv``, ``regio_adjectieven.csv``,
``regio_uncertain.csv``, ``voormalige_gemeenten.csv``, ``landen.csv`` (regions, from CBS data),
``organisaties.yaml`` (named organisations), ``actortypen.yaml`` (actor types without a name) and
``doelgroepen.yaml`` (the target-group taxonomy).

Every surface form is registered either case-sensitively (place names, acronyms: "Best" is a
place, "best" is not) or case-insensitively (target groups, actor types, long names). Problems
in a file raise :class:`ConfigError` naming the file and the entry.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from ..ingest.ids import slugify
from .variants import name_variants, term_variants

ORG_KINDS = {"gemeente", "uwv", "ministerie", "uitzendbureau", "re-integratiebedrijf",
             "brancheorganisatie", "onderwijs", "werkgever", "sociale-partners",
             "kennis-advies", "samenwerkingsverband", "fonds", "overig"}
SECTORS = {"publiek", "privaat", "semipubliek", "onbekend"}
CBS_SUFFIX = re.compile(r"\s*\((?:[A-Z]{1,2}\.?)+\)$")  # "Hengelo (O.)", "Bergen (NH.)"


@dataclass(frozen=True)
class Entry:
    """One canonical thing a mention can resolve to."""

    id: str
    type: str                    # REGION | ORGANISATION | DOELGROEP
    name: str
    kind: str                    # gemeente, arbeidsmarktregio, provincie, land, ..., org kinds
    sector: str | None = None
    generic: bool = False
    region_code: str | None = None    # labour-market region of a municipality
    province_code: str | None = None  # province of a municipality
    certain: bool = True
    needs_evidence: bool = False
    weak: bool = False
    gemeente_code: str | None = None  # municipality of a woonplaats

    def fields(self) -> dict[str, Any]:
        data = {"id": self.id, "name": self.name, "kind": self.kind}
        if self.type == "ORGANISATION":
            data.update(sector=self.sector or "onbekend", generic=self.generic)
        if self.gemeente_code:
            data["gemeente"] = self.gemeente_code
        if self.region_code or self.province_code:
            data.update(region=self.region_code, province=self.province_code)
        if not self.certain:
            data["certain"] = False
        return data


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    exact: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    lower: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    excluded: set[str] = field(default_factory=set)   # lower-case forms that are no mention
    token_patterns: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    first_names: frozenset[str] = frozenset()   # people, never organisations (voornamen.txt)
    digest: str = ""

    @cached_property
    def provinces_of_region(self) -> dict[str, set[str]]:
        """Labour-market region code -> the provinces of its (certain) municipalities."""
        found: dict[str, set[str]] = defaultdict(set)
        for e in self.entries.values():
            if e.kind == "gemeente" and e.certain and e.region_code:
                found[e.region_code].add(e.province_code)
        return dict(found)

    def add(self, entry: Entry, where: str) -> None:
        if entry.id in self.entries and self.entries[entry.id] != entry:
            raise ConfigError(f"{where}: id {entry.id!r} is used twice",
                              hint="ids must be unique across the gazetteer files",
                              code="RD120")
        self.entries[entry.id] = entry

    def alias(self, surface: str, entry_id: str, case_sensitive: bool) -> None:
        surface = " ".join(surface.split())
        if surface:
            (self.exact[surface] if case_sensitive else self.lower[surface.lower()]).add(entry_id)

    def lookup(self, text: str) -> list[Entry]:
        """Entries a surface form can mean, case-sensitive forms first."""
        text = " ".join(text.split())
        ids = sorted(self.exact.get(text, set())) + sorted(self.lower.get(text.lower(), set()))
        return [self.entries[i] for i in dict.fromkeys(ids)]


@lru_cache(maxsize=4)
def load_gazetteer(folder: str) -> Gazetteer:
    """Load and validate every gazetteer file in ``folder`` (cached per process)."""
    root = Path(folder)
    if not root.is_dir():
        raise ConfigError(f"gazetteer folder not found: {root}",
                          hint="set entities.gazetteer_dir to the folder with gemeenten.csv, "
                          "organisaties.yaml, ... (default configs/gazetteers, relative to "
                          "the working directory)", code="RD121")
    gaz = Gazetteer(digest=gazetteer_digest(folder))
    _load_regions(root, gaz)
    _load_woonplaatsen(root / "woonplaatsen.csv", gaz)
    # organisaties.yaml, then every class list (organisaties-onderwijs.yaml, ...) in name order
    for path in [root / "organisaties.yaml", *sorted(root.glob("organisaties-*.yaml"))]:
        _load_organisations(path, gaz)
    _load_actor_types(root / "actortypen.yaml", gaz)
    _load_target_groups(root / "doelgroepen.yaml", gaz)
    names = root / "voornamen.txt"
    if names.is_file():
        gaz.first_names = frozenset(
            line.strip() for line in names.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#"))
    return gaz


def gazetteer_digest(folder: str) -> str:
    """Hash of the gazetteer files' contents: part of the entity stage's cache key."""
    digest = hashlib.sha256()
    root = Path(folder)
    for path in sorted(root.glob("*")) if root.is_dir() else []:
        if path.suffix in {".csv", ".yaml", ".yml", ".txt"}:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


# -- regions ---------------------------------------------------------------------------------


def _load_regions(root: Path, gaz: Gazetteer) -> None:
    for row, where in _csv(root / "provincies.csv", ["code", "name", "variants", "adjectives"]):
        gaz.add(Entry(row["code"], "REGION", row["name"], "provincie"), where)
        for surface in [row["name"], *_split(row["variants"]), *_split(row["adjectives"])]:
            for variant in name_variants(surface):
                gaz.alias(variant, row["code"], case_sensitive=True)
    for row, where in _csv(root / "arbeidsmarktregios.csv", ["code", "name", "variants"]):
        gaz.add(Entry(row["code"], "REGION", row["name"], "arbeidsmarktregio"), where)
        for surface in [row["name"], *_split(row["variants"])]:
            for variant in name_variants(surface):
                gaz.alias(variant, row["code"], case_sensitive=True)
    for row, where in _csv(root / "gemeenten.csv", ["code", "name", "region_code",
                                                    "province_code", "variants",
                                                    "needs_evidence"]):
        for code in (row["region_code"], row["province_code"]):
            if code not in gaz.entries:
                raise ConfigError(f"{where}: unknown region or province code {code!r}",
                                  code="RD122")
        plain = CBS_SUFFIX.sub("", row["name"])
        gaz.add(Entry(row["code"], "REGION", plain, "gemeente",
                      region_code=row["region_code"], province_code=row["province_code"],
                      needs_evidence=row["needs_evidence"].strip() == "1"), where)
        for surface in [row["name"], plain, *_split(row["variants"])]:
            for variant in name_variants(surface):
                gaz.alias(variant, row["code"], case_sensitive=True)
    for row, where in _csv(root / "regio_adjectieven.csv", ["adjective", "target_code"]):
        if row["target_code"] not in gaz.entries:
            raise ConfigError(f"{where}: unknown target_code {row['target_code']!r}",
                              code="RD122")
        gaz.alias(row["adjective"], row["target_code"], case_sensitive=True)
    for row, where in _csv(root / "regio_uncertain.csv", ["name", "note"]):
        # Areas without an official code get the id every uncoded place gets: PLAATS:<slug>.
        entry_id = "PLAATS:" + slugify(row["name"])
        gaz.add(Entry(entry_id, "REGION", row["name"], "regio", certain=False), where)
        gaz.alias(row["name"], entry_id, case_sensitive=True)
    _load_former_municipalities(root / "voormalige_gemeenten.csv", gaz)
    for row, where in _csv(root / "landen.csv", ["code", "name", "variants"]):
        gaz.add(Entry(row["code"], "REGION", row["name"], "land"), where)
        for surface in [row["name"], *_split(row["variants"])]:
            for variant in name_variants(surface):
                gaz.alias(variant, row["code"], case_sensitive=True)


# CBS/BAG suffixes that tell woonplaatsen of one name apart: "Hengelo (Gld)", "Beers NB",
# "Alteveer gem Hoogeveen"; texts write the name without them.
WOONPLAATS_SUFFIX = re.compile(r"\s+(?:\((?:Gld|NB|L|LB|Lb|NH|ZH|Z|U|O|Ov|Fr|Gn|Dr|Fl)\.?\)"
                               r"|gem\.? [A-Z].*|(?:Gld|NB|LB|Lb|NH|ZH|Ov|Fr|Gn|Dr|Fl|L|Z|U|O)"
                               r"\.?)$")


def _load_woonplaatsen(path: Path, gaz: Gazetteer) -> None:
    """Towns and villages with their municipality (CBS, Woonplaatsen in Nederland): a
    village maps to gemeente, arbeidsmarktregio and provincie. Ids are ``PLAATS:<slug>``, as
    for every place without an official code. A name several municipalities share is
    uncertain (which one is meant is not known); a name that is already a region, or a Dutch
    function word ("Een", "Hem"), is left out."""
    if not path.is_file():
        return
    from spacy.lang.nl.stop_words import STOP_WORDS

    by_name: dict[str, list[tuple[Entry, str]]] = defaultdict(list)
    for row, where in _csv(path, ["name", "gemeente_code", "needs_evidence"]):
        municipality = gaz.entries.get(row["gemeente_code"])
        if municipality is None or municipality.kind != "gemeente":
            raise ConfigError(f"{where}: unknown gemeente_code {row['gemeente_code']!r}",
                              code="RD122")
        by_name[WOONPLAATS_SUFFIX.sub("", row["name"])].append((municipality, where))
    for name, places in by_name.items():
        entry_id = "PLAATS:" + slugify(name)
        if gaz.lookup(name) or entry_id in gaz.entries or name.lower() in STOP_WORDS:
            continue
        municipality, where = places[0]
        single = len({m.id for m, _ in places}) == 1
        # a village's name is often a surname or a word too (Veen, Vries, Heel): it needs a
        # locative word or a list of places before it counts (components.Resolver)
        gaz.add(Entry(entry_id, "REGION", name, "woonplaats",
                      region_code=municipality.region_code if single else None,
                      province_code=municipality.province_code if single else None,
                      gemeente_code=municipality.id if single else None, certain=single,
                      needs_evidence=True), where)
        for variant in name_variants(name):
            gaz.alias(variant, entry_id, case_sensitive=True)


def _load_former_municipalities(path: Path, gaz: Gazetteer) -> None:
    columns = ["name", "old_code", "last_year", "region_code_then", "successor_code",
               "successor_certain"]
    for row, where in _csv(path, columns):
        name = CBS_SUFFIX.sub("", row["name"])
        if gaz.lookup(name):
            continue  # a current name (or a merger that kept the name) wins
        successor = row["successor_code"].strip()
        if successor and row["successor_certain"].strip() == "1":
            if successor not in gaz.entries:
                raise ConfigError(f"{where}: successor_code {successor!r} is not a current "
                                  "municipality", code="RD122")
            target = successor
        else:
            target = row["old_code"]
            gaz.add(Entry(target, "REGION", name, "gemeente",
                          region_code=row["region_code_then"] or None, certain=False), where)
        gaz.alias(name, target, case_sensitive=True)


# -- organisations, actor types, target groups -----------------------------------------------


def _load_organisations(path: Path, gaz: Gazetteer) -> None:
    for item, where in _yaml_list(path, ["id", "name", "kind", "sector"]):
        _check_kind_sector(item, where)
        gaz.add(Entry(item["id"], "ORGANISATION", item["name"], item["kind"],
                      sector=item["sector"]), where)
        sensitive = set(item.get("case_sensitive") or [])
        for surface in [item["name"], *(item.get("aliases") or [])]:
            # Short all-caps names (ABU, SER, VNG) are only names in capitals.
            exact = surface in sensitive or (surface.isupper() and len(surface) <= 5)
            for variant in name_variants(surface):
                gaz.alias(variant, item["id"], case_sensitive=exact)


def _load_actor_types(path: Path, gaz: Gazetteer) -> None:
    for item, where in _yaml_list(path, ["id", "name", "kind", "sector", "terms"]):
        _check_kind_sector(item, where)
        gaz.add(Entry(item["id"], "ORGANISATION", item["name"], item["kind"],
                      sector=item["sector"], generic=True), where)
        for term in item["terms"]:
            for variant in term_variants(term):
                gaz.alias(variant, item["id"], case_sensitive=False)


def _load_target_groups(path: Path, gaz: Gazetteer) -> None:
    for item, where in _yaml_list(path, ["id", "name", "terms"]):
        gaz.add(Entry(item["id"], "DOELGROEP", item["name"], "doelgroep",
                      weak=bool(item.get("weak", False))), where)
        for term in [*item["terms"], *(item.get("phrases") or [])]:
            for variant in term_variants(term):
                gaz.alias(variant, item["id"], case_sensitive=False)
        for surface in item.get("not") or []:
            gaz.excluded.add(" ".join(surface.lower().split()))
        for pattern in item.get("patterns") or []:
            if not (isinstance(pattern, list) and pattern
                    and all(isinstance(token, dict) for token in pattern)):
                raise ConfigError(f"{where}: each entry of 'patterns' must be a spaCy token "
                                  "pattern: a list of token mappings such as "
                                  '[{"LOWER": {"REGEX": "^\\d+-plussers$"}}]', code="RD126")
            gaz.token_patterns.append((item["id"], pattern))


def _check_kind_sector(item: dict[str, Any], where: str) -> None:
    if item["kind"] not in ORG_KINDS:
        raise ConfigError(f"{where}: kind {item['kind']!r} is not one of {sorted(ORG_KINDS)}",
                          code="RD123")
    if item["sector"] not in SECTORS:
        raise ConfigError(f"{where}: sector {item['sector']!r} is not one of "
                          f"{sorted(SECTORS)}", code="RD123")


# -- file helpers ----------------------------------------------------------------------------


def _csv(path: Path, columns: list[str]):
    if not path.is_file():
        raise ConfigError(f"gazetteer file missing: {path}", code="RD124")
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(line for line in handle if not line.startswith("#"))
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ConfigError(f"{path}: missing column(s) {missing}; found "
                              f"{reader.fieldnames}", code="RD124")
        for number, row in enumerate(reader, start=2):
            yield {k: (v or "").strip() for k, v in row.items() if k}, f"{path.name} row {number}"


def _yaml_list(path: Path, required: list[str]):
    if not path.is_file():
        raise ConfigError(f"gazetteer file missing: {path}", code="RD124")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}", code="RD125") from None
    if not isinstance(data, list):
        raise ConfigError(f"{path}: expected a list of entries", code="RD125")
    for index, item in enumerate(data):
        where = f"{path.name} entry {index + 1}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: expected a mapping", code="RD125")
        missing = [key for key in required if not item.get(key)]
        if missing:
            raise ConfigError(f"{where} ({item.get('id', '?')}): missing {missing}",
                              code="RD125")
        yield item, f"{where} ({item['id']})"


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


