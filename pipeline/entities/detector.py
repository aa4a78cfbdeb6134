"""``rd_detector``: organisation and place names that no list contains, found from the text.

The gazetteers know the organisations of a whole class (UWV, the ministries, the roc's); the
organisations a story is about are often a bakery, a garden centre, a care group or a local
foundation that no list will ever hold. The detector looks at capitalised word runs the
gazetteers and patterns left alone and weighs the evidence that a run names an organisation
or a place:

- context before: "bij X", "werkgever X", "het bedrijf X", "samen met X";
- context after: "X uit Lelystad", "X, een meubelfabrikant", "X (SMO)";
- the name itself: a head noun ("...zorggroep", "...academie", "...huis"), a legal form
  (B.V.), "... Werkt", "... Nederland" at the end, an acronym;
- the document: the name recurs, or stands in a list next to a known organisation.

Each piece of evidence has a weight; they combine as independent chances
(1 - prod(1 - w)). A run is kept at ``min_confidence`` and reported with ``source: detector``
and its confidence. People are kept out by their cues: a title or function before the name
("wethouder", "projectleider"), a verb of saying next to it ("zegt", "vertelt"), an age in
brackets, and every later mention of a name once it was seen as a person. A place is a run
after "in", "uit", "te", "naar", "rond" or "nabij" with no organisation evidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from spacy.lang.nl.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..ingest.ids import slugify
from .components import SPANS_KEY
from .cues import (
    ACRONYM,
    APPOSITION_NOUNS,
    BEFORE,
    CAPITAL,
    CONNECTORS,
    FUNCTION,
    HEAD_SUFFIXES,
    LEGAL_HEADS,
    LOWER_WORD,
    NAME_TAILS,
    ORG_NOUN_ENDINGS,
    PERSON_TITLES,
    PLACE_BEFORE,
    STRONG_SUFFIXES,
    line_start,
    word_before,
)
from .gazetteer import Gazetteer, load_gazetteer
from .people import (
    in_brackets_after_person,
    org_like,
    person_or_role_before,
    person_words,
    split_people,
)
from .rules import LEGAL_FORMS


@Language.factory("rd_detector", default_config={
    "gazetteer_dir": "configs/gazetteers", "min_confidence": 0.5, "places": True})
def make_detector(nlp: Language, name: str, gazetteer_dir: str, min_confidence: float,
                  places: bool) -> Detector:
    return Detector(load_gazetteer(gazetteer_dir), min_confidence, places)


class Detector:
    def __init__(self, gazetteer: Gazetteer, min_confidence: float, places: bool):
        self.gaz = gazetteer
        self.min_confidence = min_confidence
        self.places = places

    def __call__(self, doc: Doc) -> Doc:
        meta = doc.user_data.setdefault(SPANS_KEY, {})
        _join_branches(doc, meta)
        # places, and capitalised target groups or kinds ("Jongeren Perspectief Fonds",
        # "Schakelpunt Landelijke Werkgevers"), may be words of a longer name
        regions = {i: ent for ent in doc.ents if _absorbable(ent, meta)
                   for i in range(ent.start, ent.end)}
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)} - set(regions)
        known_orgs = [e for e in doc.ents if e.label_ == "ORGANISATION"]
        # words the text writes in lower case ("logistiek"): a regex over the text is far
        # cheaper than asking every token
        lower = set(LOWER_WORD.findall(doc.text))
        first_names = self.gaz.first_names
        runs = [piece for run in _runs(doc, taken) for piece in split_people(run, first_names)]
        runs = [_without_leading_kind(run, regions, meta) for run in runs]
        runs = [run for run in runs if run is not None
                and not all(i in regions for i in range(run.start, run.end))]
        counts = Counter(run.text for run in runs)
        persons, named = person_words(doc, runs, first_names)
        listed = _list_neighbours(doc, known_orgs)
        found: list[Span] = []
        absorbed: set[tuple[int, int]] = set()
        for run in runs:
            if self._known_non_org(run) or _plural_kind(run):
                continue
            inside = {regions[i] for i in range(run.start, run.end) if i in regions}
            type_, confidence = self._judge(doc, run, counts, listed, lower)
            # a person's name, unless the organisation evidence is strong ("uitzendbureaus:
            # Prima Job Dokkum, ...": Prima is a first name too)
            if any(t.text in persons for t in run):
                continue
            if any(t.text in named for t in run) and not (
                    type_ == "ORGANISATION" and confidence >= 0.6
                    and (org_like(run) or _in_named_list(doc, run))):
                continue          # "werkgever Tom Verhoeven" is a person, not his company
            if inside and type_ != "ORGANISATION":
                continue          # a place name with words around it: the place stays
            if confidence < self.min_confidence:
                continue
            name = run.text
            if type_ == "ORGANISATION":
                fields = {"id": "ORG:" + slugify(name), "name": name, "kind": "overig",
                          "sector": "onbekend", "generic": False}
            else:
                fields = {"id": "PLAATS:" + slugify(name), "name": name, "kind": "plaats"}
            meta[f"{run.start}:{run.end}"] = {**fields, "source": "detector",
                                              "confidence": round(confidence, 2)}
            found.append(Span(doc, run.start, run.end, label=type_, kb_id=fields["id"]))
            absorbed |= {(e.start, e.end) for e in inside}   # a place in a name is no mention
        occupied = {i for e in [*doc.ents, *found] for i in range(e.start, e.end)
                    if (e.start, e.end) not in absorbed}
        found += self._places_by_form(doc, meta, occupied)
        _same_as_full_names(doc, meta, found)
        if found:
            kept = [e for e in doc.ents if (e.start, e.end) not in absorbed]
            doc.ents = sorted([*kept, *found], key=lambda s: s.start)
        return doc

    def _places_by_form(self, doc: Doc, meta: dict, taken: set[int]) -> list[Span]:
        """Places the gazetteer knows in another form: an adjective ("Boskoopse", "Alphense",
        "Leidse", "Goudse", "Twentse": the place's name + -se) and a news dateline in capitals
        at the start of a line ("SÚDWEST-FRYSLÂN - Het imago ...")."""
        found = []
        for token in doc:
            if token.i in taken or not token.text[:1].isupper():
                continue
            entry = None
            if token.text.endswith("se") and token.is_title and len(token.text) > 4:
                stem = token.text[:-2]
                for name in (stem, stem + "en", stem + "a", stem[:-1] + "e" if stem.endswith(
                        "t") else None):
                    entry = entry or self._municipal_place(name)
            elif token.is_upper and len(token.text) > 3 and (token.i == 0 or line_start(
                    doc, token.i)) and token.i + 1 < len(doc) and doc[token.i + 1].text in {
                    "-", "–", "—"}:
                entry = self._municipal_place(token.text.title()) or self._municipal_place(
                    "-".join(part.capitalize() for part in token.text.split("-")))
            if entry is not None:
                meta[f"{token.i}:{token.i + 1}"] = {**entry.fields(), "source": "detector",
                                                    "confidence": 0.8}
                found.append(Span(doc, token.i, token.i + 1, label="REGION", kb_id=entry.id))
        return found

    def _municipal_place(self, name: str | None):
        if not name:
            return None
        entries = [e for e in self.gaz.lookup(name) if e.type == "REGION"
                   and e.kind in {"gemeente", "woonplaats"} and e.certain]
        return entries[0] if entries else None

    def _known_non_org(self, run: Span) -> bool:
        """A run the gazetteers know as something else (a target group, an actor type)."""
        return any(e.type != "ORGANISATION" or e.generic for e in self.gaz.lookup(run.text))

    def _judge(self, doc: Doc, run: Span, counts: Counter,
               listed: tuple[set[int], set[int]], lower: set[str]) -> tuple[str, float]:
        org: list[float] = []
        words = [t.text for t in run]
        ordinary = len(words) == 1 and words[0].lower() in lower   # "Logistiek" and "logistiek"
        before = word_before(doc, run.start)
        if before is not None and before.lower_ in {"de", "het"} and run.start >= 2:
            before = word_before(doc, run.start - 1)     # "van de Voorwerkers", "bij het X"
        two_before = word_before(doc, before.i) if before is not None else None
        if before is not None and before.lower_ in BEFORE:
            org.append(BEFORE[before.lower_])
            if before.lower_ == "met" and two_before is not None and two_before.lower_ == "samen":
                org.append(0.4)
        elif before is not None and before.is_lower and before.lower_.endswith(ORG_NOUN_ENDINGS):
            org.append(0.75)
        if before is not None and before.lower_ == "van" \
                and person_or_role_before(doc, before.i):
            org.append(0.6)                     # "Calista Timmermans van AndersWerkt"
        if in_brackets_after_person(doc, run, self.gaz.first_names):
            org.append(0.7)                     # "Ageeth Offringa (Dispo Medical, Hattem)"
        if _in_named_list(doc, run):
            org.append(0.6)                     # "zes bedrijven (De Kans, NLW en Innovium)"
        if before is not None and before.lower_ in {"bedrijf", "organisatie"} and \
                two_before is not None and two_before.lower_ in {"het", "de"}:
            org.append(0.5)
        head = run[0].lower_
        if len(words) >= 2 and (BEFORE.get(head, 0) >= 0.7 or head.endswith(ORG_NOUN_ENDINGS)):
            org.append(0.75)                    # "Zorginstelling SVRZ": the kind, then the name
        last = words[-1]
        if last in NAME_TAILS:
            org.append(NAME_TAILS[last])
        if any(w.lower().endswith(HEAD_SUFFIXES) for w in words) \
                and words[0] not in self.gaz.first_names:      # "Henk Velthuis" is no house
            org.append(0.6)
        if run.end < len(doc) and doc[run.end].text in LEGAL_FORMS:
            org.append(0.9)
        acronym = len(words) == 1 and bool(ACRONYM.match(words[0]))
        if acronym:
            org.append(0.3)
        org += _after_evidence(doc, run)
        if counts[run.text] >= 2:
            org.append(0.25)
        if run.start in listed[0] or run.end - 1 in listed[1]:
            org.append(0.5)
        if before is not None and before.lower_ in PERSON_TITLES \
                and run[0].text not in self.gaz.first_names:
            org.append(0.5)                     # "manager Ondernemershuis"
        if before is not None and before.lower_ == "met" and two_before is not None \
                and two_before.lower_ in {"samenwerking", "samenwerkingen", "partnerschap"}:
            org.append(0.5)                     # "een mooie samenwerking met Parlijn"
        sentence_start = doc[run.start].is_sent_start or run.start == 0 \
            or line_start(doc, run.start)
        if sentence_start and len(words) == 1:
            org = [w * 0.6 for w in org]        # a capital may only mark the sentence start
        if ordinary:
            return "ORGANISATION", 0.0          # an ordinary word with a capital
        org_confidence = _combine(org)
        raw_before = word_before(doc, run.start)      # places: "in Markelo", not "in de X"
        if self.places and raw_before is not None and raw_before.lower_ in PLACE_BEFORE \
                and org_confidence < 0.5 and len(words) <= 3 and not acronym \
                and not any(w.lower().endswith(HEAD_SUFFIXES) for w in words):
            return "REGION", 0.6
        return "ORGANISATION", org_confidence


def _runs(doc: Doc, taken: set[int]) -> Iterable[Span]:
    """Maximal runs of capitalised words (with connectors inside) that no entity covers; a
    sentence-initial function word ("De", "Het") does not start one. "en" and "in" join only
    inside a name that starts with a head noun ("Sectorinstituut Transport en Logistiek",
    "Kennisinstituut Integratie in de Samenleving") or between two "Van" names ("Van Koppen
    en Van Eijk"); elsewhere "en" separates two names."""
    i, n = 0, len(doc)
    while i < n:
        if i in taken or not _starts_name(doc[i]):
            i += 1
            continue
        # a sentence-initial article is no part of the name ("Het Centrum voor Werk ...")
        first = i + 1 if doc[i].text in {"De", "Het"} and doc[i].is_sent_start else i
        headed = doc[first].lower_.endswith(STRONG_SUFFIXES + ("instituut",))
        end = i + 1
        while end < n and end not in taken:
            token = doc[end]
            nxt = doc[end + 1] if end + 1 < n else None
            joinable = nxt is not None and end + 1 not in taken and bool(CAPITAL.match(nxt.text))
            if CAPITAL.match(token.text) and not FUNCTION.match(token.text) \
                    and not token.text.isdigit():        # "Zeeland 22 vacatures" ends at 22
                end += 1
            elif joinable and token.lower_ in CONNECTORS - {"en"}:
                end += 1
            elif joinable and token.lower_ in {"en", "in"} and (
                    headed or (doc[first].text == "Van" and nxt.text == "Van")):
                end += 1
            elif token.lower_ == "in" and headed and nxt is not None and nxt.lower_ in {
                    "de", "het"} and end + 2 < n and CAPITAL.match(doc[end + 2].text):
                end += 2
            else:
                break
        last = end
        while last > first + 1 and doc[last - 1].lower_ in CONNECTORS:   # never end on "en"
            last -= 1
        if last > first:
            yield doc[first:last]
        i = end


def _starts_name(token) -> bool:
    """A capitalised word can start a name; "De" or "Het" only in mid-sentence ("bij De
    Linkerbaan"), a number only before a capitalised word ("040 Werkt")."""
    text = token.text
    if not (text[:1].isupper() or text[:1].isdigit() or text in {"'s", "’s"}):
        return False
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if text in {"'s", "’s"}:                      # "'s Lands Bakkie"
        return following is not None and following.is_title
    if not CAPITAL.match(text) or text.endswith(("se", "sche")):
        return False
    if text[0].isdigit():
        return following is not None and bool(CAPITAL.match(following.text)) \
            and not following.text[0].isdigit()
    if FUNCTION.match(text) or text.lower() in STOP_WORDS:
        if text in {"Van", "Ter", "Ten", "Den"}:       # "uitzendbureau Van Koppen en Van Eijk"
            return not token.is_sent_start and following is not None \
                and bool(CAPITAL.match(following.text)) and not FUNCTION.match(following.text)
        if text not in {"De", "Het"} or following is None \
                or not CAPITAL.match(following.text) or FUNCTION.match(following.text):
            return False
        # mid-sentence "De Linkerbaan" is a name; at a sentence start only with a head noun
        return not token.is_sent_start or following.lower_.endswith(HEAD_SUFFIXES)
    return True




def _same_as_full_names(doc: Doc, meta: dict, found: list[Span]) -> None:
    """'Stichting Werkkracht Walcheren' ... 'Werkkracht Walcheren': a name that is a longer
    name of the same document without its legal head is the same organisation (same id)."""
    full = {}
    for ent in [*doc.ents, *found]:
        fields = meta.get(f"{ent.start}:{ent.end}", {})
        if ent.label_ == "ORGANISATION" and not fields.get("generic") \
                and ent[0].text in LEGAL_HEADS and len(ent) > 1:
            full[ent[1:].text] = fields
    for span in found:
        fields = full.get(span.text)
        if fields:
            key = f"{span.start}:{span.end}"
            meta[key] = {**fields, "source": meta[key]["source"],
                         "confidence": meta[key].get("confidence")}


def _join_branches(doc: Doc, meta: dict) -> None:
    """'UWV Rijnmond', 'SER Noord-Nederland', 'WerkgeversServicepunt West-Brabant', 'het
    mobiliteitsteam Midden-Utrecht', 'het Leerwerkloket van de regio Utrecht': an
    organisation, or one kind of organisation, followed by a place (directly, or after "van
    de regio") is one organisation: a regional branch, or a named local one."""
    joined, changed = [], False
    for ent in doc.ents:
        previous = joined[-1] if joined else None
        fields = dict(meta.get(f"{previous.start}:{previous.end}", {})) if previous else {}
        plural_kind = fields.get("generic") and (previous.text.lower().endswith(("en", "s", "ra"))
                                                 or fields.get("kind") == "gemeente")
        gap = doc[previous.end:ent.start] if previous is not None else None
        joins = gap is not None and (len(gap) == 0 or (
            fields.get("generic") and len(gap) <= 3
            and all(t.lower_ in {"van", "de", "het", "regio"} for t in gap)))
        if previous is not None and previous.label_ == "ORGANISATION" \
                and ent.label_ == "REGION" and joins and not plural_kind:
            span = Span(doc, previous.start, ent.end, label="ORGANISATION")
            if fields.get("generic"):   # a kind with a place is a named organisation
                fields = {"id": "ORG:" + slugify(span.text), "kind": fields.get("kind", "overig"),
                          "sector": fields.get("sector", "onbekend"), "generic": False,
                          "source": "detector", "confidence": 0.7}
            span = Span(doc, span.start, span.end, label="ORGANISATION", kb_id=fields["id"])
            meta[f"{span.start}:{span.end}"] = {**fields, "name": span.text}
            joined[-1] = span
            changed = True
        else:
            joined.append(ent)
    if changed:
        doc.ents = joined


def _without_leading_kind(run: Span, absorbable: dict[int, Span], meta: dict) -> Span | None:
    """'Zorginstelling SVRZ': the kind before a name is no part of it (as in "de
    branchevereniging ABU"); the name is what follows."""
    ent = absorbable.get(run.start)
    if ent is None or ent.label_ != "ORGANISATION":
        return run
    rest = run.doc[ent.end:run.end]
    return rest if len(rest) else None


def _absorbable(ent: Span, meta: dict) -> bool:
    if ent.label_ == "REGION":
        return True
    generic = ent.label_ == "DOELGROEP" or meta.get(f"{ent.start}:{ent.end}", {}).get("generic")
    return bool(generic) and ent[0].is_title and not ent[0].is_sent_start


def _plural_kind(run: Span) -> bool:
    """'GGZ-instellingen', 'Zorgbedrijven': a capitalised plural kind, no one organisation."""
    last = run[-1].lower_
    return last.endswith(("instellingen", "bedrijven", "organisaties", "partijen",
                          "ondernemingen", "fondsen", "scholen"))


def _after_evidence(doc: Doc, run: Span) -> list[float]:
    found = []
    after = doc[run.end:run.end + 4]
    if len(after) >= 2 and after[0].lower_ in {"uit", "in"} and after[1].ent_type_ == "REGION":
        found.append(0.45)
    if len(after) >= 3 and after[0].text == "," and after[1].lower_ in {"een", "het", "de"}:
        if any(APPOSITION_NOUNS.search(t.lower_) for t in doc[run.end + 2:run.end + 5]):
            found.append(0.75)
    if len(after) >= 3 and after[0].text == "(" and ACRONYM.match(after[1].text) \
            and after[2].text == ")" and len(run) >= 2:
        found.append(0.8)
    return found




def _in_named_list(doc: Doc, run: Span) -> bool:
    """An item of a list headed by a plural organisation noun: 'zes bedrijven (De Kans, NLW
    en Innovium)', 'De Koekfabriek, It Wiid en Bij PUUR: drie foodbedrijven'."""
    sentence = run.sent if doc.has_annotation("SENT_START") else doc[:]
    start = max(sentence.start, run.start - 25)
    window = doc[start:min(sentence.end, run.end + 25)]
    for token in window:
        if token.is_lower and token.lower_.endswith(("bedrijven", "organisaties", "partners",
                                                     "instellingen", "werkgevers", "partijen",
                                                     "ondernemingen", "scholen")):
            nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
            prev = doc[token.i - 1] if token.i > 0 else None
            opens = nxt is not None and nxt.text in {"(", ":"} and token.i < run.start
            closes = prev is not None and prev.like_num and token.i > run.end \
                and doc[run.end:token.i].text.count(":") == 1
            if opens or closes:
                between = doc[min(token.i, run.end):max(token.i, run.start)]
                if all(t.text in {",", "en", "(", ":", "&"} or t.is_title or t.is_upper
                       or t.like_num or t.lower_ in CONNECTORS for t in between if t.i != token.i):
                    return True
    return False


def _list_neighbours(doc: Doc, known: list[Span]) -> tuple[set[int], set[int]]:
    """Where a name would stand in a list next to a named organisation ('Ahrend en UWV',
    'UWV, Ahrend en de gemeente'): the first token after one or two separators following
    it, and the last token before separators preceding it."""
    separators = {",", "en", "of", "&"}
    starts, ends = set(), set()
    for other in known:
        i = other.end
        for _ in range(2):
            if i < len(doc) and doc[i].text in separators:
                i += 1
                starts.add(i)
        i = other.start - 1
        for _ in range(2):
            if i >= 0 and doc[i].text in separators:
                ends.add(i - 1)
                i -= 1
    return starts, ends


def _combine(weights: list[float]) -> float:
    remaining = 1.0
    for w in weights:
        remaining *= 1.0 - min(max(w, 0.0), 0.99)
    return 1.0 - remaining
