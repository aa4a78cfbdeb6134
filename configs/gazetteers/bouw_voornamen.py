"""Build voornamen.txt, the first names the entity stage uses to keep people out of the
organisations it finds (``pipeline/entities/detector.py``).

One-off maintenance tool (the pipeline never runs it). The names are the first names of every
locale of the Faker package (MIT licence, see BRON.md): a broad, openly licensed list of given
names from many languages, as the people in Dutch stories carry. Words that are also Dutch
function words or place names (Van, Holland) are left out, so a person filter never takes an
organisation or a place for a first name.

    pip install faker==40.63.0 && python configs/gazetteers/bouw_voornamen.py
"""

from __future__ import annotations

import csv
import importlib
import pkgutil
from pathlib import Path

HERE = Path(__file__).resolve().parent


def faker_first_names() -> set[str]:
    import faker.providers.person as people

    names: set[str] = set()
    for module in pkgutil.iter_modules(people.__path__):
        provider = getattr(importlib.import_module(f"{people.__name__}.{module.name}"),
                           "Provider", None)
        for attr in ("first_names", "first_names_male", "first_names_female",
                     "first_names_nonbinary"):
            value = provider.__dict__.get(attr) if provider is not None else None
            if isinstance(value, (dict, tuple, list, set)):
                names.update(str(v) for v in value)
    return names


def place_names() -> set[str]:
    found: set[str] = set()
    for file, columns in (("gemeenten.csv", ("name", "variants")),
                          ("provincies.csv", ("name", "variants")),
                          ("woonplaatsen.csv", ("name",)),
                          ("landen.csv", ("name", "variants"))):
        path = HERE / file
        if path.is_file():
            with open(path, encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    for column in columns:
                        found.update(v.strip().lower() for v in (row.get(column) or "").split("|"))
    return found


def main() -> None:
    from spacy.lang.nl.stop_words import STOP_WORDS

    places = place_names()
    names = sorted(n for n in faker_first_names()
                   if len(n) >= 3 and n[0].isupper() and " " not in n
                   and n.lower() not in STOP_WORDS and n.lower() not in places)
    (HERE / "voornamen.txt").write_text(
        "# First names (one a line) from every locale of Faker 40.63.0 (MIT licence), without\n"
        "# Dutch function words and place names; made by bouw_voornamen.py, see BRON.md.\n"
        + "\n".join(names) + "\n", encoding="utf-8")
    print(f"voornamen.txt: {len(names)} names")


if __name__ == "__main__":
    main()
