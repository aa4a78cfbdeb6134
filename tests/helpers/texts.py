"""Deterministic Dutch (and one English) fixture texts.

``dutch_text(seed)`` draws sentences from a pool of practice-story sentences, so documents built
with different seeds share little (far below the near-duplicate threshold), each paragraph is one
line of more than 20 words (so it never counts as a line repeated across documents), and every
text has well over the default ``ingest.min_words`` (80) words.
"""

from __future__ import annotations

import random

REGIONS = [
    "Groningen", "Twente", "Drechtsteden", "Rijnmond", "Haaglanden", "Zaanstreek", "Achterhoek",
    "Midden-Brabant", "Noord-Limburg", "Friesland", "Rivierenland", "Gooi en Vechtstreek",
    "Food Valley", "Holland Rijnland", "Zuid-Limburg", "West-Brabant", "Amersfoort", "IJmond",
    "Stedendriehoek", "Flevoland", "Helmond-De Peel", "Midden-Utrecht", "Zwolle", "Zeeland",
]

SENTENCES = [
    "De gemeente en UWV bespreken elke maand samen met uitzendbureaus welke kandidaten klaar "
    "zijn voor een baan.",
    "Werkgevers in de logistiek en de zorg zoeken dringend personeel, terwijl duizenden mensen "
    "nog een uitkering hebben.",
    "Een jobcoach blijft het eerste halfjaar betrokken bij de nieuwe medewerker en zijn "
    "leidinggevende op de werkvloer.",
    "Statushouders volgen naast hun taallessen een praktijkopleiding bij een bedrijf in de "
    "metaal of de bouw.",
    "Voor jongeren zonder startkwalificatie is er een leerwerktraject waarin ze drie dagen "
    "werken en twee dagen leren.",
    "Het werkgeversservicepunt is voor ondernemers het ene loket voor vacatures, subsidies en "
    "vragen over de banenafspraak.",
    "Vijftigplussers met een WW-uitkering krijgen een training waarin ze hun ervaring leren "
    "vertalen naar een sterk cv.",
    "De wethouder noemt de samenwerking met het onderwijs de belangrijkste reden dat het project "
    "zo goed loopt.",
    "Van de honderdtwintig deelnemers vonden er vierenzeventig binnen een jaar werk, vaak via een "
    "uitzendbureau.",
    "Mensen met een arbeidsbeperking werken bij een reguliere werkgever met begeleiding van een "
    "vaste coach.",
    "De financiering komt deels van de provincie en deels uit het regionale werkbudget van de "
    "samenwerkende gemeenten.",
    "Na twee jaar als pilot is de aanpak opgenomen in het vaste beleid van de arbeidsmarktregio.",
    "Andere regio's kwamen op werkbezoek om te zien hoe de matchtafels precies zijn opgezet.",
    "Klantmanagers kennen hun kandidaten goed, maar missen vaak het zicht op wat werkgevers echt "
    "nodig hebben.",
    "Tijdens een speeddate maken werkzoekenden in tien minuten kennis met een werkgever uit de "
    "techniek.",
    "Het opleidingsfonds betaalt korte cursussen, zoals een heftruckcertificaat of een "
    "VCA-diploma, voor nieuwe instromers.",
    "Werknemers van wie de baan verdwijnt, krijgen al tijdens hun opzegtermijn hulp bij het "
    "vinden van nieuw werk.",
    "Oud-militairen blijken goed te passen in de beveiliging en de techniek, omdat ze gewend zijn "
    "aan discipline.",
    "De projectleider vertelt dat korte lijnen tussen gemeente, UWV en bedrijven het verschil "
    "maken voor kandidaten.",
    "In de eerste maanden houdt iedere kandidaat een vast aanspreekpunt, zodat niemand tussen wal "
    "en schip valt.",
    "Laaggeletterde werknemers leren op hun werkplek beter lezen en rekenen met hulp van "
    "vrijwilligers uit de buurt.",
    "Werkgevers die iemand uit de bijstand aannemen, kunnen een proefplaatsing van twee maanden "
    "met behoud van uitkering aanbieden.",
    "Het regionale werkbedrijf houdt de regie en spreekt de partners aan op hun afspraken over "
    "plaatsingen.",
    "Volgens de onderzoekers werkt de aanpak vooral omdat de begeleiding doorloopt na de eerste "
    "werkdag.",
    "Herintreders die jaren voor hun kinderen zorgden, vinden via een oriëntatiecursus de weg "
    "terug naar betaald werk.",
    "Ex-gedetineerden krijgen al in de laatste maanden van hun straf een werkervaringsplek bij "
    "een bedrijf in de regio.",
    "Het convenant loopt vier jaar en wordt elk halfjaar besproken in het regionale bestuurlijk "
    "overleg.",
    "Uitzendbureaus delen hun openstaande vacatures nu eerst met de gemeente voordat ze breed "
    "gaan werven.",
    "Een deel van de deelnemers stroomt door naar een vaste baan bij de werkgever waar ze als "
    "uitzendkracht begonnen.",
    "De ervaringen uit de proef zijn vastgelegd in een handreiking die andere gemeenten gratis "
    "kunnen gebruiken.",
    "Scholieren van het praktijkonderwijs lopen stage bij bedrijven die ook na hun diploma een "
    "baan willen bieden.",
    "De sociale partners in de sector betalen mee aan de omscholing van werknemers naar "
    "beroepen met toekomst.",
    "Werkzoekenden zonder uitkering kunnen ook meedoen, ook al was dat in het begin geen doel "
    "van het project.",
    "De resultaten worden elk kwartaal gedeeld met de gemeenteraden van alle deelnemende "
    "gemeenten in de regio.",
    "Een mobiliteitsadviseur zoekt samen met de werknemer naar een baan die past bij zijn "
    "ervaring en zijn wensen.",
    "Door de krappe arbeidsmarkt zijn werkgevers eerder bereid om kandidaten met een achterstand "
    "een kans te geven.",
]

ENGLISH_TEXT = (
    "In the Achterhoek region, temporary employment agencies and the municipality work together "
    "to help unemployed people find jobs in technology companies. Every month the partners meet "
    "to discuss which candidates are ready for work and which employers have open vacancies. "
    "Candidates receive a short training course paid for by the sector fund, and a job coach "
    "stays involved during the first six months of their new job.\n\n"
    "According to the project manager, the approach works because the lines between the "
    "municipality, the employment agencies and the companies are short. In the first year more "
    "than sixty people found a job, most of them through an agency, and many of them were later "
    "hired directly by the employer where they started as temporary workers."
)


def dutch_text(seed: int, paragraphs: int = 3, sentences_per_paragraph: int = 2) -> str:
    """A Dutch practice story: paragraphs (one line each) separated by blank lines."""
    rng = random.Random(seed)
    region = REGIONS[seed % len(REGIONS)]
    picked = rng.sample(SENTENCES, paragraphs * sentences_per_paragraph)
    opening = (f"In de arbeidsmarktregio {region} werken gemeenten, UWV en werkgevers sinds "
               f"{2010 + seed % 14} samen aan project nummer {seed} voor werkzoekenden.")
    blocks = []
    for index in range(paragraphs):
        chunk = picked[index * sentences_per_paragraph:(index + 1) * sentences_per_paragraph]
        if index == 0:
            chunk = [opening, *chunk]
        blocks.append(" ".join(chunk))
    return "\n\n".join(blocks)


def word_count(text: str) -> int:
    return len(text.split())
