"""Build the CBS-derived region gazetteers from the CBS "Gebieden in Nederland" CSVs.

One-off maintenance tool (the pipeline never runs it). Standard library only.

    python configs/gazetteers/bouw_regio_gazetteers.py /pad/naar/cbs-csvs [--out MAP]

Reads from the given folder:
    gemeenten_2026.csv          code,name,region_code,region,province_code,province,corop_code,corop
    arbeidsmarktregios_2026.csv region_code,region,n_gemeenten
    gemeenten_2010_2026.csv     name,code,year,corop_code,corop,region_code,region,province_code,province

Writes (default: the folder this script is in):
    gemeenten.csv               code,name,region_code,province_code,variants,needs_evidence
    arbeidsmarktregios.csv      code,name,variants,note
    provincies.csv              code,name,variants,adjectives
    voormalige_gemeenten.csv    name,old_code,last_year,region_code_then,successor_code,successor_certain

The CBS columns (codes, names, region and province codes, years) are always refreshed from the
CBS files. The hand-curated columns (variants, needs_evidence, note, adjectives, successor_code,
successor_certain) are KEPT from the existing output files, matched on the code (for
voormalige_gemeenten.csv on name + old_code). So: curators edit the CSVs by hand, and running
this script after a new CBS release only updates the CBS part. Rows that are new get empty
curated columns (needs_evidence 0, successor_certain 0); rows that disappeared are reported, with
their curated values, so nothing is lost silently.

Source: CBS, Gebieden in Nederland 2026, CC BY 4.0 (see BRON.md).
"""

from __future__ import annotations

import argparse
import csv
import sys
import unicodedata
from pathlib import Path

CURRENT_YEAR = "2026"

GEMEENTEN_COLUMNS = ["code", "name", "region_code", "province_code", "variants", "needs_evidence"]
AM_COLUMNS = ["code", "name", "variants", "note"]
PROVINCIE_COLUMNS = ["code", "name", "variants", "adjectives"]
VOORMALIG_COLUMNS = ["name", "old_code", "last_year", "region_code_then", "successor_code",
                     "successor_certain"]


def sort_key(name: str) -> tuple[str, str]:
    """Alphabetical, ignoring case and diacritics ("Súdwest-Fryslân" sorts under S)."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return plain.casefold(), name


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def read_existing(path: Path, key_columns: list[str]) -> dict[tuple[str, ...], dict[str, str]]:
    if not path.is_file():
        return {}
    return {tuple(row[c] for c in key_columns): row for row in read_csv(path)}


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def keep(old: dict[str, str] | None, column: str, default: str = "") -> str:
    return (old or {}).get(column, "") or default


def report_dropped(label: str, existing: dict, kept: set, curated: list[str]) -> None:
    for key, row in existing.items():
        if key not in kept and any(row.get(c) for c in curated):
            values = ", ".join(f"{c}={row.get(c)!r}" for c in curated if row.get(c))
            print(f"WARNING {label}: {key} is no longer in the CBS data; curated values "
                  f"dropped: {values}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cbs_dir", type=Path, help="folder with the CBS CSV files")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="folder to write the gazetteer CSVs to (default: this folder)")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    gemeenten = read_csv(args.cbs_dir / "gemeenten_2026.csv")
    regions = read_csv(args.cbs_dir / "arbeidsmarktregios_2026.csv")
    history = read_csv(args.cbs_dir / "gemeenten_2010_2026.csv")

    # gemeenten.csv ----------------------------------------------------------------------
    old = read_existing(out / "gemeenten.csv", ["code"])
    rows = []
    for g in gemeenten:
        prev = old.get((g["code"],))
        rows.append({"code": g["code"], "name": g["name"], "region_code": g["region_code"],
                     "province_code": g["province_code"],
                     "variants": keep(prev, "variants"),
                     "needs_evidence": keep(prev, "needs_evidence", "0")})
    rows.sort(key=lambda r: sort_key(r["name"]))
    write_csv(out / "gemeenten.csv", GEMEENTEN_COLUMNS, rows)
    report_dropped("gemeenten.csv", old, {(r["code"],) for r in rows},
                   ["variants", "needs_evidence"])
    current_codes = {r["code"] for r in rows}

    # arbeidsmarktregios.csv -------------------------------------------------------------
    old = read_existing(out / "arbeidsmarktregios.csv", ["code"])
    am_rows = [{"code": r["region_code"], "name": r["region"],
                "variants": keep(old.get((r["region_code"],)), "variants"),
                "note": keep(old.get((r["region_code"],)), "note")} for r in regions]
    am_rows.sort(key=lambda r: r["code"])
    write_csv(out / "arbeidsmarktregios.csv", AM_COLUMNS, am_rows)
    report_dropped("arbeidsmarktregios.csv", old, {(r["code"],) for r in am_rows},
                   ["variants", "note"])

    # provincies.csv (the 12 provinces of the current municipalities) ----------------------
    old = read_existing(out / "provincies.csv", ["code"])
    provinces = sorted({(g["province_code"], g["province"]) for g in gemeenten})
    pv_rows = [{"code": code, "name": name,
                "variants": keep(old.get((code,)), "variants"),
                "adjectives": keep(old.get((code,)), "adjectives")} for code, name in provinces]
    write_csv(out / "provincies.csv", PROVINCIE_COLUMNS, pv_rows)
    report_dropped("provincies.csv", old, {(r["code"],) for r in pv_rows},
                   ["variants", "adjectives"])

    # voormalige_gemeenten.csv (every row with a last year before the current one) ---------
    old = read_existing(out / "voormalige_gemeenten.csv", ["name", "old_code"])
    vm_rows = []
    for h in history:
        if h["year"] >= CURRENT_YEAR:
            continue
        prev = old.get((h["name"], h["code"]))
        row = {"name": h["name"], "old_code": h["code"], "last_year": h["year"],
               "region_code_then": h["region_code"],
               "successor_code": keep(prev, "successor_code"),
               "successor_certain": keep(prev, "successor_certain", "0")}
        if row["successor_code"] and row["successor_code"] not in current_codes:
            print(f"WARNING voormalige_gemeenten.csv: successor {row['successor_code']} of "
                  f"{row['name']} is not a current municipality; emptied", file=sys.stderr)
            row["successor_code"], row["successor_certain"] = "", "0"
        if not row["successor_code"]:
            row["successor_certain"] = "0"
        vm_rows.append(row)
    vm_rows.sort(key=lambda r: sort_key(r["name"]))
    write_csv(out / "voormalige_gemeenten.csv", VOORMALIG_COLUMNS, vm_rows)
    report_dropped("voormalige_gemeenten.csv", old,
                   {(r["name"], r["old_code"]) for r in vm_rows},
                   ["successor_code"])

    print(f"gemeenten.csv: {len(rows)} rows; arbeidsmarktregios.csv: {len(am_rows)}; "
          f"provincies.csv: {len(pv_rows)}; voormalige_gemeenten.csv: {len(vm_rows)} "
          f"({sum(r['successor_certain'] == '1' for r in vm_rows)} with a certain successor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
