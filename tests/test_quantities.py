"""Figures in Dutch stories (issue 13): number formats, units, ranges, and targets that are
never counted as results."""

from __future__ import annotations

import pytest

from pipeline.lessons.quantities import find_quantities, parse_number, totals


@pytest.mark.parametrize("text, value", [
    ("25.000", 25000), ("1.728.000", 1728000), ("1,2", 1.2), ("80", 80), ("zeventig", 70),
    ("vijfentwintig", 25), ("drieënveertig", 43), ("tweehonderd", 200),
    ("tweehonderdvijftig", 250), ("duizend", 1000), ("drieduizend", 3000), ("twaalf", 12),
    ("anderhalf", 1.5),
])
def test_dutch_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["tweede", "kansen", "een-op-een", "1.2.3"])
def test_words_that_are_no_numbers(text):
    assert parse_number(text) is None


def one(text):
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value, unit", [
    ("Het project leverde een besparing op van 1,2 miljoen euro.", 1_200_000, "euro"),
    ("De gemeente trekt EUR 25.000 uit.", 25_000, "euro"),
    ("Het kost € 1,5 mln.", 1_500_000, "euro"),
    ("Dat kostte 3 ton.", 300_000, "euro"),
    ("70% vond werk.", 70, "percent"),
    ("Zeventig procent is uitgestroomd.", 70, "percent"),
    ("Er kwamen 40 stageplaatsen bij.", 40, "places"),
    ("Er zijn 12 banen gecreëerd.", 12, "jobs"),
    ("Vijfentwintig jongeren zijn begonnen.", 25, "people"),
])
def test_value_and_unit(text, value, unit):
    q = one(text)
    assert (q.value, q.unit) == (value, unit)


def test_approximate_figures_and_ranges():
    q = one("Ruim 80 deelnemers vonden een baan.")
    assert q.approximate and q.value == 80 and q.text == "80"
    q = one("Er werden 20 tot 30 kandidaten geplaatst.")
    assert (q.value, q.high, q.unit) == (20, 30, "people")
    q = one("Tussen vijftig en zestig werkzoekenden kregen een baan.")
    assert (q.value, q.high) == (50, 60)


def test_dates_years_and_articles_are_no_figures():
    assert find_quantities("Sinds 12 maart 2024 is het loket open voor 50-plussers.") == []
    assert find_quantities("Een kandidaat kreeg een baan bij een bakker.") == []


@pytest.mark.parametrize("text, counts, kind", [
    ("Ruim 80 deelnemers vonden een baan.", "aan het werk", "result"),
    ("In totaal zijn 683 deelnemers geplaatst.", "plaatsingen", "result"),
    ("Zeventig procent van de deelnemers is uitgestroomd.", "uitstroom", "result"),
    ("We bespaarden 1,5 mln euro.", "besparing", "result"),
    ("Het doel is dat in 2025 zeventig mensen aan het werk zijn.", "aan het werk", "target"),
    ("We willen 100 mensen plaatsen.", None, "target"),
    ("De verwachting is dat 40 jongeren uitstromen.", "uitstroom", "target"),
])
def test_what_is_counted_and_whether_it_happened(text, counts, kind):
    q = one(text)
    assert (q.counts, q.kind) == (counts, kind)


def test_totals_add_results_only_never_targets_or_percentages():
    text = ("Vorig jaar vonden 250 mensen werk. Volgend jaar moeten 300 mensen aan het werk. "
            "70% vond werk. We bespaarden 1,5 mln euro.")
    sums = totals(find_quantities(text))
    assert sums == {"people": {"aan het werk": 250.0}, "euro": {"besparing": 1_500_000.0}}
