"""spaCy components that turn ruler candidates into resolved entities.

``rd_resolver`` runs after the span rulers and before the statistical NER. It reads the
overlapping candidates in ``doc.spans["rd"]``, picks one meaning per place name from its context
("provincie Groningen", "regio Groningen", "gemeente Groningen"), asks evidence for place names
that are ordinary words (Best, Ede, Putten), lets the longest match win (gazetteer before
pattern on a tie), and writes the winners to ``doc.ents``: the NER then predicts around them.
``rd_merger`` runs last and maps the NER's own ORG/GPE/LOC spans onto our types.
Canonical fields of each entity are kept in ``doc.user_data["rd"]`` keyed by "start:end".
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..ingest.ids import slugify
from .gazetteer import Entry, Gazetteer, load_gazetteer
from .rules import CONNECTOR, rule_attributes

SPANS_KEY = "rd"
KIND_ORDER = {"gemeente": 0, "provincie": 1, "arbeidsmarktregio": 2, "land": 3}
PREFIX_KIND = {"provincie": "provincie", "provincies": "provincie",
               "regio": "arbeidsmarktregio", "regio's": "arbeidsmarktregio",
               "arbeidsmarktregio": "arbeidsmarktregio", "arbeidsmarktregio's": "arbeidsmarktregio",
               "gemeente": "gemeente", "gemeenten": "gemeente"}
LIST_SEPARATORS = {",", "en", "of", "/"}
DEFINITE = {"de", "het", "die", "dit", "dat", "deze"}
ACTOR_PREFIX = {"gemeente": ("gemeente", "ORG:gemeente:"),
                "provincie": ("provincie", "ORG:provincie:")}
LOCATIVE = {"in", "uit", "binnen", "buiten", "naar"}
PRIORITY = {"GAZ_EXACT": 0, "GAZ_LOWER": 1, "ORG_RULE": 2}


class Candidate:
    __slots__ = ("start", "end", "type", "fields", "source", "priority")

    def __init__(self, start: int, end: int, type_: str, fields: dict[str, Any], source: str,
                 priority: int):
        self.start, self.end, self.type = start, end, type_
        self.fields, self.source, self.priority = fields, source, priority


@Language.factory("rd_resolver", default_config={
    "gazetteer_dir": "configs/gazetteers", "evidence_words": [],
    "regions_inside_organisations": False, "generic_actors": True,
    "weak_doelgroepen": "drop-if-specific"})
def make_resolver(nlp: Language, name: str, gazetteer_dir: str, evidence_words: list[str],
                  regions_inside_organisations: bool, generic_actors: bool,
                  weak_doelgroepen: str) -> Resolver:
    return Resolver(load_gazetteer(gazetteer_dir), set(evidence_words),
                    regions_inside_organisations, generic_actors, weak_doelgroepen)


class Resolver:
    def __init__(self, gazetteer: Gazetteer, evidence_words: set[str], inner_regions: bool,
                 generic_actors: bool, weak_doelgroepen: str):
        self.gaz = gazetteer
        self.evidence_words = evidence_words
        self.inner_regions = inner_regions
        self.generic_actors = generic_actors
        self.weak_doelgroepen = weak_doelgroepen
        self.weak_ids = {e.id for e in gazetteer.entries.values() if e.weak}

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans.get(SPANS_KEY, []))
        excluded = [(s.start, s.end) for s in spans if s.label_ == "NOT"]
        candidates = []
        for span in spans:
            if span.label_ != "NOT":
                candidates.extend(self._candidates(doc, span, excluded))
        chosen = _select(candidates)
        chosen = self._drop_weak_target_groups(doc, chosen)
        chosen = _drop_generic_references(doc, chosen)
        meta = doc.user_data.setdefault(SPANS_KEY, {})
        ents = []
        for c in sorted(chosen, key=lambda c: c.start):
            ents.append(Span(doc, c.start, c.end, label=c.type, kb_id=c.fields["id"]))
            meta[f"{c.start}:{c.end}"] = {**c.fields, "source": c.source}
        if self.inner_regions:
            for c in candidates:
                if c.type == "REGION" and any(o.type == "ORGANISATION" and o.start <= c.start
                                              and c.end <= o.end for o in chosen):
                    meta[f"inner:{c.start}:{c.end}"] = {**c.fields, "source": c.source}
        doc.ents = ents
        return doc

    def _candidates(self, doc: Doc, span: Span, excluded: list[tuple[int, int]]):
        if span.label_ == "ORG_RULE":
            yield from self._rule_candidate(doc, span)
            return
        entries = [self.gaz.entries[i] for i in span.id_.split("|") if i in self.gaz.entries]
        source = "gazetteer"
        priority = PRIORITY.get(span.label_, PRIORITY["GAZ_LOWER"])
        for type_ in ("ORGANISATION", "DOELGROEP"):
            typed = [e for e in entries if e.type == type_]
            if typed and not (type_ == "DOELGROEP" and _inside_any(span, excluded)):
                entry = typed[0]
                if entry.generic and not self.generic_actors:
                    continue
                yield Candidate(span.start, span.end, type_, entry.fields(), source, priority)
        regions = [e for e in entries if e.type == "REGION"]
        if regions:
            yield from self._region_candidates(doc, span, regions, priority)

    def _region_candidates(self, doc: Doc, span: Span, entries: list[Entry], priority: int):
        before = _previous_word(doc, span.start)
        wanted = PREFIX_KIND.get(before.lower_ if before is not None else "") \
            or _list_prefix(doc, span.start)
        entries = sorted(entries, key=lambda e: (e.kind != wanted, KIND_ORDER.get(e.kind, 9)))
        entry = entries[0]
        if wanted == "arbeidsmarktregio" and entry.kind == "gemeente" and entry.region_code:
            # "regio Tilburg": the labour-market region the municipality belongs to.
            entry = self.gaz.entries.get(entry.region_code, entry)
        if wanted is None and _part_of_a_name(doc, span.start, self.gaz.first_names):
            return          # "Carolien Doesburg", "Vincent van Veen": a surname, no place
        if entry.needs_evidence and wanted is None and not self._has_evidence(
                doc, span, strict=entry.kind == "woonplaats"):
            return
        fields = entry.fields()
        if before is not None and before.text in {"gemeente", "Gemeente", "provincie",
                                                   "Provincie"} \
                and entry.kind == before.lower_ and not _locative_before(doc, before.i):
            # "de gemeente Almere besloot": the municipality as an actor, not as a place.
            label, prefix = ACTOR_PREFIX[entry.kind]
            org = {"id": prefix + entry.id, "name": f"{label} {entry.name}",
                   "kind": "gemeente" if entry.kind == "gemeente" else "overig",
                   "sector": "publiek", "generic": False, "region_id": entry.id}
            yield Candidate(before.i, span.end, "ORGANISATION", org, "pattern", priority)
            return
        yield Candidate(span.start, span.end, "REGION", fields, "gazetteer", priority + 1)

    def _has_evidence(self, doc: Doc, span: Span, strict: bool = False) -> bool:
        """Whether an ambiguous place name means the place: a word such as "in" or "uit"
        before it, a list of places, or (not ``strict``: municipalities) a capital in
        mid-sentence that starts no person's or organisation's name."""
        first = doc[span.start]
        if _part_of_a_name(doc, span.start, self.gaz.first_names):
            return False
        before = _previous_word(doc, span.start)
        if before is not None and before.lower_ in self.evidence_words:
            return True
        if _in_place_list(doc, span, self.gaz):
            return True
        if strict:
            return False
        # Capitalised in mid-sentence, and not the first name of a person or organisation.
        after = doc[span.end] if span.end < len(doc) else None
        followed_by_name = after is not None and (after.is_title or after.lower_ in
                                                  {"de", "van", "der"})
        return not first.is_sent_start and first.is_title and not followed_by_name

    def _rule_candidate(self, doc: Doc, span: Span):
        rule_id = span.id_.removeprefix("rule:")
        start, end = span.start, span.end
        while end > start + 1 and _is_connector(doc[end - 1].text):
            end -= 1
        while start < end - 1 and _is_connector(doc[start].text):   # "van Transportbedrijf X"
            start += 1
        span = doc[start:end]
        trimmed = span
        known = [e for e in self.gaz.lookup(trimmed.text) if e.type == "ORGANISATION"]
        if known:
            yield Candidate(span.start, end, "ORGANISATION", known[0].fields(), "gazetteer",
                            PRIORITY["GAZ_LOWER"])
            return
        kind, sector = rule_attributes(rule_id)
        name = trimmed.text
        yield Candidate(span.start, end, "ORGANISATION",
                        {"id": "ORG:" + slugify(name), "name": name, "kind": kind,
                         "sector": sector, "generic": False}, "pattern", PRIORITY["ORG_RULE"])

    def _drop_weak_target_groups(self, doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
        if self.weak_doelgroepen == "keep":
            return chosen
        has_sentences = doc.has_annotation("SENT_START")

        def sentence(c: Candidate) -> int:
            return doc[c.start].sent.start if has_sentences else 0

        specific = {sentence(c) for c in chosen
                    if c.type == "DOELGROEP" and c.fields["id"] not in self.weak_ids}
        return [c for c in chosen if not (c.type == "DOELGROEP" and c.fields["id"] in self.weak_ids
                                          and sentence(c) in specific)]


@Language.factory("rd_merger", default_config={"gazetteer_dir": "configs/gazetteers",
                                               "ner_labels": {}})
def make_merger(nlp: Language, name: str, gazetteer_dir: str,
                ner_labels: dict[str, str]) -> Merger:
    return Merger(load_gazetteer(gazetteer_dir), ner_labels)


class Merger:
    """Maps statistical NER spans (ORG, GPE, LOC) onto our types; drops other labels."""

    def __init__(self, gazetteer: Gazetteer, ner_labels: dict[str, str]):
        self.gaz = gazetteer
        self.ner_labels = ner_labels

    def __call__(self, doc: Doc) -> Doc:
        meta = doc.user_data.setdefault(SPANS_KEY, {})
        kept = []
        for ent in doc.ents:
            key = f"{ent.start}:{ent.end}"
            if key in meta:
                kept.append(ent)
                continue
            type_ = self.ner_labels.get(ent.label_)
            if type_ is None:
                continue
            known = [e for e in self.gaz.lookup(ent.text) if e.type == type_]
            if known:
                fields = known[0].fields()
            elif type_ == "REGION":
                fields = {"id": "PLAATS:" + slugify(ent.text), "name": ent.text,
                          "kind": "plaats"}
            else:
                fields = {"id": "ORG:" + slugify(ent.text), "name": ent.text, "kind": "overig",
                          "sector": "onbekend", "generic": False}
            meta[key] = {**fields, "source": "model"}
            kept.append(Span(doc, ent.start, ent.end, label=type_, kb_id=fields["id"]))
        doc.ents = kept
        return doc


def _list_prefix(doc: Doc, start: int) -> str | None:
    """'de regio's Utrecht, Rotterdam en Tilburg': a later list item takes the first's prefix."""
    i = start - 1
    crossed = False
    while i >= 0 and start - i <= 16:
        token = doc[i]
        if token.text in LIST_SEPARATORS:
            crossed = True
        elif not (token.is_title or token.text in {"-", "'s", "aan", "den", "de", "op"}):
            break
        i -= 1
    if crossed and i >= 0:
        return PREFIX_KIND.get(doc[i].lower_)
    return None


def _drop_generic_references(doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
    """An actor type that only describes or refers back to a named organisation is no actor
    of its own: an apposition ("de branchevereniging ABU", "Cedris, de branchevereniging van
    …") or a definite singular reference ("het werkgeversservicepunt") when the document names
    an organisation of that kind."""
    named = [c for c in chosen if c.type == "ORGANISATION" and not c.fields.get("generic")]
    named_kinds = {c.fields["kind"] for c in named}
    kept = []
    for c in chosen:
        if c.type != "ORGANISATION" or not c.fields.get("generic"):
            kept.append(c)
            continue
        before = doc[c.start - 1].lower_ if c.start > 0 else ""
        apposition = any(n.start == c.end or _follows_after_comma(doc, n, c) for n in named)
        singular = c.end - c.start == 1 and doc[c.start].lower_ != c.fields["name"].lower() \
            and not doc[c.start].lower_.endswith(("s", "en"))
        reference = before in DEFINITE and (singular or before == "het") \
            and c.fields["kind"] in named_kinds
        if not (apposition or reference):
            kept.append(c)
    return kept


def _follows_after_comma(doc: Doc, named: Candidate, generic: Candidate) -> bool:
    """'Stoof, het opleidings- en ontwikkelingsfonds': a named organisation, a comma, an
    article and within a few words the actor type. Without the article it is a list
    ('UWV, gemeenten en werkgevers')."""
    if named.end >= len(doc) or doc[named.end].text != ",":
        return False
    between = doc[named.end + 1:generic.start]
    return (1 <= len(between) <= 4 and between[0].lower_ in {"de", "het", "een"}
            and not any(t.is_punct for t in between))


def _select(candidates: list[Candidate]) -> list[Candidate]:
    """Longest first, then priority; no two selected candidates share a token."""
    taken: set[int] = set()
    chosen = []
    for c in sorted(candidates, key=lambda c: (-(c.end - c.start), c.priority, c.start)):
        tokens = set(range(c.start, c.end))
        if not tokens & taken:
            chosen.append(c)
            taken |= tokens
    return chosen


def _previous_word(doc: Doc, index: int):
    i = index - 1
    if i >= 0 and doc[i].lower_ in {"de", "het"}:
        i -= 1
    return doc[i] if i >= 0 and not doc[i].is_punct else None


SURNAME_PARTICLES = {"de", "van", "der", "den", "ter", "ten", "la", "le", "du"}


def _part_of_a_name(doc: Doc, index: int, first_names: frozenset[str] = frozenset()) -> bool:
    """'Bart de Vries', 'Steven Baak', 'Jan van Veen', 'zegt Van Mierlo': a word right after
    a first name, a capitalised particle, or (mid-sentence) a capitalised word, or after a
    surname particle that follows one, is part of a person's name."""
    i = index - 1
    if i >= 0 and doc[i].text in {"Van", "De", "Ter", "Ten", "Den"} and not doc[i].is_sent_start:
        return True
    if i >= 0 and doc[i].lower_ in SURNAME_PARTICLES:
        i -= 1
        if i >= 0 and doc[i].lower_ in SURNAME_PARTICLES:
            i -= 1
    if i < 0 or i >= index or doc[i].is_punct:
        return False
    if doc[i].text in first_names:
        return True
    return doc[i].is_title and not doc[i].is_sent_start and doc[i].lower_ not in LOCATIVE


def _locative_before(doc: Doc, index: int) -> bool:
    i = index - 1
    if i >= 0 and doc[i].lower_ in {"de", "het"}:
        i -= 1
    return i >= 0 and doc[i].lower_ in LOCATIVE


def _in_place_list(doc: Doc, span: Span, gaz: Gazetteer) -> bool:
    """'Eindhoven, Best en Veldhoven': a neighbour across ',' / 'en' / 'of' is a place too;
    so is a village after 'in' ('in Borculo en Ruurlo')."""
    pairs = []
    if span.start >= 2:
        pairs.append((doc[span.start - 1], doc[span.start - 2]))
    if span.end + 1 < len(doc):
        pairs.append((doc[span.end], doc[span.end + 1]))

    def place(token) -> bool:
        entries = [e for e in gaz.lookup(token.text) if e.type == "REGION"]
        if any(not e.needs_evidence for e in entries):
            return True
        before = _previous_word(doc, token.i)
        return bool(entries) and before is not None and before.lower_ in LOCATIVE

    return any(sep.text in LIST_SEPARATORS and place(other) for sep, other in pairs)


def _inside_any(span: Span, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= span.start and span.end <= end for start, end in ranges)


def _is_connector(text: str) -> bool:
    return bool(re.match(CONNECTOR, text)) or text in {"&", "-", "en"}
