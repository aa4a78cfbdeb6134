"""Command line, the curators' gazetteer commands: ``gazetteer suggest``. They register on the
group in :mod:`pipeline.cli`, which imports this module (as it does :mod:`pipeline.cli_measure`).

``suggest`` turns the names a run's entity detector found that no list holds
(``entities_summary.json`` → ``unknown_names``) into a YAML block in the schema of
``configs/gazetteers/organisaties.yaml``. Saved as ``organisaties-<naam>.yaml`` in the
gazetteer folder, it is loaded by the next run: those names are then found by the gazetteer,
with the kind, sector and aliases the curator gave them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import yaml

from .cli import _guarded, cli
from .errors import UsageError

# Characters that may not stand in a YAML comment: those PyYAML's reader refuses anywhere,
# and NEL (a line break to YAML).
_NOT_PRINTABLE = re.compile("[^\x09\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
COMMENT_CHARS = 160


@cli.group()
def gazetteer() -> None:
    """The gazetteer lists in configs/gazetteers: grow them from what runs find."""


@gazetteer.command("suggest")
@click.option("--run", "run_name", default=None,
              help="Run folder or run id (a folder under OUT/runs); default: OUT/latest.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("outputs"),
              show_default=True, help="Outputs folder the run id refers to.")
@click.option("--min-documents", type=click.IntRange(1), default=1, show_default=True,
              help="Only names found in at least this many documents.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.5,
              show_default=True, help="Only names the detector gave at least this confidence.")
@click.option("--file", "target", type=click.Path(path_type=Path), default=None,
              help="Write the block to this file (default: standard output).")
@click.option("--force", is_flag=True, help="Replace FILE when it exists.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="YAML config whose entities.gazetteer_dir lists the names already known "
                   "(default: the run's own config.yaml).")
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE",
              help="Override one config key; repeatable (e.g. entities.gazetteer_dir=DIR).")
@_guarded
def suggest(run_name: str | None, out: Path, min_documents: int, min_confidence: float,
            target: Path | None, force: bool, config_path: Path | None,
            overrides: tuple[str, ...]) -> None:
    """Gazetteer entries for the names a run found that no list holds.

    \b
    Reads the run's entities_summary.json (unknown_names) and writes YAML in the schema of
    configs/gazetteers/organisaties.yaml: per organisation id, name, kind: overig,
    sector: onbekend, aliases: [], with a comment line saying in how many documents it
    occurs, the detector's confidence and an example sentence. Places are listed as
    comments ready for woonplaatsen.csv (name,gemeente_code,needs_evidence): the
    municipality's code (GMxxxx, from gemeenten.csv) must be filled in by hand.
    Names the gazetteer already knows are left out.

    \b
    The next run uses them:
      1. rodedraden gazetteer suggest --file configs/gazetteers/organisaties-nieuw.yaml
      2. edit the file: delete what is not an organisation, set kind and sector (the
         header of organisaties.yaml lists both), add aliases; ids must be unique across
         the gazetteer files (organisaties-*.yaml are loaded in name order)
      3. rodedraden run: the names are now found by the gazetteer (source gazetteer)
    """
    from .config import load_config
    from .entities.gazetteer import load_gazetteer
    from .storage import write_text

    if target is not None and target.exists() and not force:
        raise UsageError(f"{target} exists", code="RD172",
                         hint="a file you edited would be lost: give another --file, or "
                         "--force to replace it")
    run_dir = find_run(run_name, out)
    unknown = read_unknown_names(run_dir)
    if config_path is None and (run_dir / "config.yaml").is_file():
        config_path = run_dir / "config.yaml"
    settings = load_config(config_path, overrides)
    known = load_gazetteer(settings.entities.gazetteer_dir)
    chosen = [row for row in unknown if (row.get("documents") or 0) >= min_documents
              and (row.get("confidence") or 0) >= min_confidence
              and not known.lookup(str(row.get("name") or ""))
              and str(row.get("id")) not in known.entries]
    text = suggestion_yaml(chosen, run_dir.resolve().name, min_documents, min_confidence,
                           settings.entities.gazetteer_dir)
    if target is None:
        click.echo(text, nl=False)
    else:
        write_text(target, text)
        organisations = sum(row.get("type") == "ORGANISATION" for row in chosen)
        click.echo(f"{organisations} organisation(s) and {len(chosen) - organisations} "
                   f"place(s) written to {target}", err=True)


def find_run(name: str | None, out: Path) -> Path:
    """A run folder: a path, an id under ``out/runs``, or ``latest`` (the default)."""
    name = name or "latest"
    for candidate in (Path(name), out / "runs" / name, out / name):
        if (candidate / "run.json").is_file():
            return candidate
    runs = sorted(p.name for p in (out / "runs").iterdir() if p.is_dir()
                  and not p.name.startswith((".", "failed-"))) if (out / "runs").is_dir() else []
    raise UsageError(f"run not found: {name} (looked in {out / 'runs'})", code="RD170",
                     hint=f"give --run a run id from {out / 'runs'} (newest: "
                     f"{', '.join(runs[-3:]) or 'none'}) or a run folder, or --out the "
                     "outputs folder the run is in; `rodedraden run` makes one")


def read_unknown_names(run_dir: Path) -> list[dict[str, Any]]:
    """``unknown_names`` of the run's entities_summary.json; for a run made before they were
    summarised, gathered from its documents.jsonl."""
    summary = run_dir / "entities_summary.json"
    data = json.loads(summary.read_text(encoding="utf-8")) if summary.is_file() else {}
    if isinstance(data.get("unknown_names"), list):
        return [row for row in data["unknown_names"] if isinstance(row, dict)]
    documents = run_dir / "documents.jsonl"
    if documents.is_file():
        from .entities.unknown import unknown_names

        with open(documents, encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
        if records and all("entities" in r for r in records):
            return unknown_names(records, {r["id"]: r.get("text") or "" for r in records})
    raise UsageError(f"run {run_dir} has no entities (no entities_summary.json or "
                     "documents.jsonl with entities)", code="RD171",
                     hint="run the entity stage first: `rodedraden run` (or `rodedraden "
                     "entities`), then pass that run with --run")


def suggestion_yaml(rows: Sequence[Mapping[str, Any]], run_id: str, min_documents: int,
                    min_confidence: float, gazetteer_dir: str) -> str:
    """The block a curator edits: a YAML list of organisation entries (valid as an
    ``organisaties-*.yaml`` file as it stands), places as comments."""
    organisations = [r for r in rows if r.get("type") == "ORGANISATION"]
    places = [r for r in rows if r.get("type") != "ORGANISATION"]
    lines = [
        f"# Names that run {_comment(run_id)} found and no gazetteer list holds "
        f"(in >= {min_documents} document(s), confidence >= {min_confidence:g}).",
        "# Edit, then save as organisaties-<naam>.yaml in "
        f"{_comment(gazetteer_dir)}: the next run loads it.",
        "# Per entry: delete it if it is no organisation; set kind and sector (see the header",
        "# of organisaties.yaml); add aliases (other spellings, abbreviations).",
    ]
    if not organisations:
        lines.append("[]")
    for row in organisations:
        lines.append(f"# {_about(row)}")
        entry = {"id": str(row["id"]), "name": str(row.get("name") or row["id"]),
                 "kind": "overig", "sector": "onbekend", "aliases": []}
        lines.append(yaml.safe_dump([entry], allow_unicode=True, sort_keys=False,
                                    width=1000).rstrip("\n"))
    if places:
        lines += ["#", "# Places (not for this file): add a line to woonplaatsen.csv with the "
                  "code of", "# the municipality the place lies in (gemeenten.csv); "
                  "replace GM???? below.", "# name,gemeente_code,needs_evidence"]
        for row in places:
            lines.append(f"# {_csv_name(str(row.get('name') or ''))},GM????,1")
            lines.append(f"#     {_about(row)}")
    return "\n".join(lines) + "\n"


def _about(row: Mapping[str, Any]) -> str:
    examples = row.get("examples") or []
    example = examples[0] if examples and isinstance(examples[0], Mapping) else {}
    confidence = row.get("confidence")
    text = (f"{row.get('documents')} document(s), {row.get('mentions')} mention(s), "
            f"confidence {'?' if confidence is None else confidence}")
    if example:
        sentence = " ".join(str(example.get("sentence") or "").split())
        if len(sentence) > COMMENT_CHARS:
            sentence = sentence[:COMMENT_CHARS].rsplit(" ", 1)[0] + " …"
        text += f"; {example.get('document')}: \"{sentence}\""
    return _comment(text)


def _comment(text: str) -> str:
    """Text that stays on one comment line of a valid YAML stream."""
    return _NOT_PRINTABLE.sub("?", " ".join(str(text).split()))


def _csv_name(name: str) -> str:
    name = _comment(name)
    return f'"{name.replace(chr(34), chr(34) * 2)}"' if any(c in name for c in ',"') else name
