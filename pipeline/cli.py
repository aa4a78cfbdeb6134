"""Command line: ``rodedraden run | <stage> | status | clean | doctor``.

Exit codes: 0 success, 1 the run failed, 2 bad usage or configuration.
"""

from __future__ import annotations

import functools
import logging
import sys
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import RodedradenError
from .signals import Terminated, sigterm_as_interrupt

log = logging.getLogger("rodedraden")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def common_options(func: Any) -> Any:
    """Options every pipeline command takes."""
    options = [
        click.option("--corpus", type=click.Path(path_type=Path), default=Path("corpus"),
                     show_default=True, help="Folder of input documents (read recursively)."),
        click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
                     help="YAML config (default: configs/default.yaml)."),
        click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE",
                     help="Override one config key; repeatable. VALUE is parsed as YAML."),
        click.option("--out", type=click.Path(path_type=Path), default=Path("outputs"),
                     show_default=True, help="Outputs folder (runs/, cache/, latest)."),
        click.option("--quiet", "-q", is_flag=True, help="Only warnings, errors and the summary."),
        click.option("--verbose", "-v", is_flag=True, help="Debug logging and tracebacks."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="rodedraden")
def cli() -> None:
    """rodedraden: find the common threads in Dutch praktijkverhalen.

    \b
    Typical use:
      rodedraden run                     # all stages on corpus/ with configs/default.yaml
      rodedraden run --corpus mijn-verhalen --set ingest.min_words=50
      rodedraden status                  # what is cached, what would re-run and why
      rodedraden clean --partial         # remove folders that killed runs left behind
    Exit codes: 0 success, 1 run failed, 2 bad usage or configuration.
    """


def _runner(corpus: Path, config_path: Path | None, overrides: tuple[str, ...], out: Path,
            quiet: bool, verbose: bool) -> Any:
    from .config import DEFAULT_CONFIG, load_config
    from .runner import Runner
    from .stages import all_stages

    _setup_logging(quiet, verbose)
    settings = load_config(config_path, overrides)
    source = str(config_path or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else "built-in"))
    return Runner(all_stages(), settings, corpus, out,
                  show_progress=not quiet and sys.stderr.isatty(), config_source=source)


def _guarded(func: Any) -> Any:
    """Turn our errors into a message and an exit code; never a traceback unless --verbose.
    SIGTERM is handled as Ctrl-C is while the command runs (:mod:`pipeline.signals`)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        verbose = kwargs.get("verbose", False)
        try:
            with sigterm_as_interrupt():
                func(*args, **kwargs)
        except RodedradenError as exc:
            if verbose:
                traceback.print_exc()
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            how = "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
            click.echo(f"{how}: nothing of this run was marked as finished", err=True)
            sys.exit(EXIT_FAILED)
        except Exception as exc:  # noqa: BLE001 - last line of defence for the user
            if verbose:
                traceback.print_exc()
            click.echo(f"error: unexpected {type(exc).__name__}: {exc}\n"
                       "  hint: run again with --verbose for the traceback and report it",
                       err=True)
            sys.exit(EXIT_FAILED)

    return wrapper


def _run_stages(targets: list[str] | None, **options: Any) -> None:
    runner = _runner(**options)
    result = runner.run(targets)
    _print_summary(result, options["quiet"])


def _print_summary(result: Any, quiet: bool) -> None:
    click.echo(f"run {result.run_id} finished in {result.seconds:.1f} s -> {result.run_dir}")
    if not quiet:
        for report in result.reports:
            items = "; ".join(f"{name}: {c['computed']} computed, {c['cached']} cached"
                              for name, c in report.items.items())
            click.echo(f"  {report.name:<10} {report.status:<7} {report.seconds:7.2f} s"
                       + (f"  ({items})" if items else ""))
    ingest = result.outputs.get("ingest")
    if ingest:
        summary = ingest["ingest_summary.json"]
        counts = ", ".join(f"{n} {status}" for status, n in summary["by_status"].items())
        click.echo(f"documents: {counts} (from {summary['files']} files; "
                   f"reasons in {result.run_dir / 'manifest.jsonl'})")
    found = result.outputs.get("entities")
    if found:
        summary = found["entities_summary.json"]
        counts = ", ".join(f"{n} {kind}" for kind, n in summary["mentions_by_type"].items())
        click.echo(f"entities: {counts}; {summary['documents_with_pps']} of "
                   f"{summary['documents']} documents mix public and private partners "
                   f"(spaCy pipeline: {summary['pipeline']['description']})")


@cli.command()
@common_options
@_guarded
def run(**options: Any) -> None:
    """Run every stage (each re-runs only when its code, config or inputs changed)."""
    _run_stages(None, **options)


def _stage_command(name: str, help_text: str) -> None:
    @cli.command(name=name, help=f"{help_text} Runs upstream stages first when needed.")
    @common_options
    @_guarded
    def command(**options: Any) -> None:
        _run_stages([name], **options)


@cli.command()
@common_options
@_guarded
def status(**options: Any) -> None:
    """Show which stages are cached for this corpus and config, and why others would re-run."""
    from .outputs import partial_status

    runner = _runner(**options)
    for row in runner.status():
        state = "cached" if row["cached"] else "would run"
        click.echo(f"{row['stage']:<10} {state:<10} {row['reason']}")
    for line in partial_status(runner.out):
        click.echo(line)


@cli.command()
@click.option("--partial", is_flag=True,
              help="Remove runs/.partial-* folders that killed runs left behind.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("outputs"),
              show_default=True, help="Outputs folder to clean.")
@_guarded
def clean(partial: bool, out: Path) -> None:
    """Remove what unfinished runs left in the outputs folder (only while no run uses it)."""
    from .errors import UsageError
    from .outputs import check_outputs_folder, clean_partials

    if not partial:
        raise UsageError("say what to clean", code="RD333",
                         hint="rodedraden clean --partial removes unfinished runs' folders")
    check_outputs_folder(out)
    removed = clean_partials(out)
    for folder in removed:
        click.echo(f"removed {folder}")
    click.echo(f"{len(removed)} unfinished run folder(s) removed from {out / 'runs'}")


@cli.group()
def evaluate() -> None:
    """Measure a stage's quality against reference annotations or labels."""


# Evaluation and analysis commands of later stages are added below, one block per stage.
# -- entities commands --


@evaluate.command("entities")
@click.option("--gold", type=click.Path(path_type=Path), default=Path("corpus/gold/entities.jsonl"),
              show_default=True, help="Gold annotations (JSONL).")
@common_options
@_guarded
def evaluate_entities(gold: Path, **options: Any) -> None:
    """Precision, recall and F1 per entity type against gold annotations.

    Runs ingest and entities (cached when nothing changed), prints the table and writes
    metrics_entities.json into the run directory.
    """
    from .entities.evaluate import evaluate as score
    from .entities.evaluate import format_table, load_gold, realign
    from .storage import write_json

    result = _runner(**options).run(["entities"])
    texts = {d["id"]: d["text"] for d in result.outputs["ingest"]["corpus.jsonl"]}
    reference, alignment = realign(load_gold(gold), texts)
    predicted = {r["id"]: r["entities"] for r in result.outputs["entities"]["documents.jsonl"]}
    metrics = score(predicted, reference)
    metrics["alignment"] = alignment
    metrics["pipeline"] = result.outputs["entities"]["entities_summary.json"]["pipeline"]
    metrics["gold"] = str(gold)
    target = result.run_dir / "metrics_entities.json"
    write_json(target, metrics)
    click.echo(format_table(metrics))
    click.echo(f"pipeline: {metrics['pipeline']['description']}")
    if alignment["realigned"] or alignment["unaligned"]:
        click.echo(f"gold spans re-aligned to the current cleaned text: {alignment['realigned']}"
                   f", not found (dropped): {alignment['unaligned']}")
    click.echo(f"written: {target}")
# -- themes commands --


@evaluate.command("themes")
@click.option("--labels", type=click.Path(path_type=Path), required=True,
              help="JSONL file with 'id' and the reference label of each document.")
@click.option("--label-field", required=True, help="Field of --labels holding the label.")
@common_options
@_guarded
def evaluate_themes(labels: Path, label_field: str, **options: Any) -> None:
    """NMI, ARI and unassigned share of the document themes against reference labels.

    --corpus may be a folder or one .jsonl file ({id, text}). Runs the pipeline up to themes
    (cached when nothing changed), prints the table and writes evaluation_themes.json into the
    run directory.
    """
    from .storage import write_json
    from .themes.evaluation import (
        corpus_folder,
        document_assignments,
        evaluate,
        format_table,
        read_labels,
    )

    reference = read_labels(labels, label_field)
    options["corpus"] = corpus_folder(options["corpus"], options["out"])
    result = _runner(**options).run(["themes"])
    assigned = document_assignments(result.outputs["themes"]["document_themes.jsonl"],
                                    result.outputs["ingest"]["manifest.jsonl"])
    scores = evaluate(reference, assigned)
    unsupervised = result.outputs["themes"]["metrics_themes.json"]
    report = {**scores, "labels": str(labels), "label_field": label_field,
              "metrics_themes": unsupervised, "run_id": result.run_id,
              "seconds": round(result.seconds, 1)}
    target = result.run_dir / "evaluation_themes.json"
    write_json(target, report)
    click.echo(format_table(scores, unsupervised))
    click.echo(f"run {result.run_id} ({result.seconds:.1f} s); written: {target}")


@cli.command()
@click.option("--grid", "grid_items", multiple=True, metavar="KEY.PATH=V1,V2",
              help="Config key and the values to try; repeatable (the product is swept).")
@click.option("--labels", type=click.Path(path_type=Path), default=None,
              help="Optional JSONL with reference labels: adds NMI/ARI columns.")
@click.option("--label-field", default=None, help="Field of --labels holding the label.")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None,
              help="Where to write the table (default: OUT/sweeps/sweep-<time>.csv).")
@common_options
@_guarded
def sweep(grid_items: tuple[str, ...], labels: Path | None, label_field: str | None,
          csv_path: Path | None, **options: Any) -> None:
    """Run the themes stage over a grid of config values on the cached embeddings.

    \b
    Example:
      rodedraden sweep --grid themes.cluster.min_cluster_size=5,10,20 \\
                       --grid themes.reduce.n_components=5,10
    """
    import time
    from datetime import datetime

    from .config import section_hash
    from .errors import UsageError
    from .themes import sweep as sw
    from .themes.evaluation import corpus_folder, document_assignments, evaluate, read_labels
    from .themes.stage import compute_themes

    grid = sw.parse_grid(grid_items)
    if (labels is None) != (label_field is None):
        raise UsageError("--labels and --label-field go together", code="RD247")
    reference = read_labels(labels, label_field) if labels is not None else None
    options["corpus"] = corpus_folder(options["corpus"], options["out"])
    base_overrides = options.pop("overrides")
    upstream: dict[str, Any] = {}
    needed = ["embed", "entities"]  # the stages compute_themes reads (ingest comes with them)
    rows = []
    # UMAP layouts and term vectors of earlier runs and combinations are reused
    with _runner(overrides=base_overrides, **options).memo("themes") as memo:
        for combination in sw.combinations(grid):
            runner = _runner(overrides=(*base_overrides, *sw.as_overrides(combination)),
                             **options)
            settings = runner.settings
            # combinations that agree on every section the upstream stages read share them
            sections = {s for stage in runner.plan(needed) for s in stage.sections}
            key = section_hash(settings, *sorted(sections))
            if key not in upstream:
                upstream[key] = runner.run(needed).outputs
            outputs = upstream[key]
            started = time.perf_counter()
            try:
                result = compute_themes(outputs["ingest"]["corpus.jsonl"],
                                        outputs["embed"]["units.jsonl"],
                                        outputs["embed"]["embeddings.npy"], settings,
                                        outputs["entities"]["documents.jsonl"], memo=memo)
            except RodedradenError as exc:  # one bad combination must not lose the others
                rows.append({**combination, "error": f"[{exc.code}] {exc.message}"})
                click.echo(f"{combination}: {rows[-1]['error']}", err=True)
                continue
            seconds = time.perf_counter() - started
            supervised = None
            if reference is not None:
                supervised = evaluate(reference, document_assignments(
                    result["document_themes.jsonl"], outputs["ingest"]["manifest.jsonl"]))
            rows.append(sw.row_for(combination, result["metrics_themes.json"], supervised,
                                   seconds))
            click.echo(sw.format_rows(rows[-1:]).splitlines()[-1] if len(rows) > 1
                       else sw.format_rows(rows), err=True)
    target = csv_path or options["out"] / "sweeps" / \
        f"sweep-{datetime.now().strftime('%Y%m%d-%H%M%S')}.csv"
    sw.write_csv(target, rows)
    click.echo(sw.format_rows(rows))
    click.echo(f"written: {target}")


@cli.command()
@click.argument("runs", nargs=-1, required=True)
@click.option("--out", type=click.Path(path_type=Path), default=Path("outputs"),
              show_default=True, help="Outputs folder the run ids refer to.")
@_guarded
def compare(runs: tuple[str, ...], out: Path) -> None:
    """Config and metric differences of runs side by side (ids, 'latest' or run folders)."""
    from .themes.compare import find_run, format_comparison, load_run

    if len(runs) < 2:
        from .errors import UsageError

        raise UsageError("compare needs at least two runs", code="RD248",
                         hint="rodedraden compare RUN_A RUN_B (ids from outputs/runs)")
    click.echo(format_comparison([load_run(find_run(name, out)) for name in runs]))


# -- export commands --


@evaluate.command("stability")
@click.option("--draws", type=click.IntRange(1, 100), default=10, show_default=True,
              help="Random draws of stories to add or remove, per seed.")
@click.option("--seeds", type=click.IntRange(1, 10), default=3, show_default=True,
              help="Seeds (run.seed, +1, ...): each draw is repeated with each.")
@click.option("--share", type=click.FloatRange(0.01, 0.5), default=0.1, show_default=True,
              help="Share of the stories added or removed.")
@click.option("--scenario", "scenarios", multiple=True, default=("add", "remove"),
              type=click.Choice(["add", "remove", "reseed"]), show_default=True,
              help="add: curate, then add stories; remove: curate, then remove them; reseed: "
                   "curate, then run with the next seed. Repeatable.")
@common_options
@_guarded
def evaluate_stability(draws: int, seeds: int, share: float, scenarios: tuple[str, ...],
                       **options: Any) -> None:
    """Do curated labels survive stories being added or removed?

    Curates every theme with a label, changes the corpus, runs again and counts the labels
    kept (their theme overlaps the original documents by >= 0.6), flagged for review,
    reported stale, and lost silently. --corpus may be a folder or one .jsonl file. Writes
    <out>/stability/stability.json; runs share <out>/stability's cache.
    """
    from .export.stability import evaluate_stability as measure
    from .export.stability import format_table
    from .storage import write_json
    from .themes.evaluation import corpus_folder

    runner = _runner(**{**options, "corpus": corpus_folder(options["corpus"], options["out"])})
    work = options["out"] / "stability"
    result = measure(runner.corpus, runner.settings, work, draws=draws, seeds=seeds,
                     share=share, scenarios=scenarios,
                     progress=None if options["quiet"] else click.echo)
    write_json(work / "stability.json", result)
    click.echo(format_table(result))
    click.echo(f"written: {work / 'stability.json'}")


@cli.group()
def curate() -> None:
    """The curators' feedback loop: reviewed theme tables back into the next run."""


@curate.command("apply")
@click.argument("table", type=click.Path(path_type=Path))
@click.option("--curation", type=click.Path(path_type=Path), default=None,
              help="Decisions file to update (default: export.curation_file of the config, "
                   "configs/curation.yaml).")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="YAML config (default: configs/default.yaml).")
@click.option("--run", "run_dir", type=click.Path(path_type=Path), default=None,
              help="Run folder the table came from, for a CSV (a workbook carries its theme "
                   "members itself); default: outputs/latest.")
@_guarded
def curate_apply(table: Path, curation: Path | None, config_path: Path | None,
                 run_dir: Path | None) -> None:
    """Read a reviewed themes.xlsx (or themes CSV) and record its decisions.

    \b
    Columns read from the themes sheet: theme_id, curated_label, action, notes.
    action: keep | rename (needs curated_label) | merge:<theme id> | delete.
    With each decision the units its theme held are recorded: the next run keeps those
    units together (themes.anchor), checks the label still sits on that theme, and says
    where they went if the theme is gone. Decisions about themes not in TABLE stay as they
    were. The next run applies them.
    """
    from .config import load_config
    from .export.curation import curation_text, merge_decisions, reviewed_decisions
    from .storage import write_text

    target = curation or Path(load_config(config_path).export.curation_file)
    decisions, source = reviewed_decisions(table, run_dir or Path("outputs") / "latest")
    merged = merge_decisions(target, decisions)
    write_text(target, curation_text(merged))
    actions = ", ".join(f"{n} {a}" for a, n in sorted(
        Counter(d["action"].split(":")[0] for d in decisions.values()).items())) or "none"
    click.echo(f"{len(decisions)} decision(s) read from {table} ({actions}), theme members "
               f"from {source}; {len(merged)} in {target}. The next run applies them.")


@cli.command()
def doctor() -> None:
    """Print the Python, library and spaCy model versions in use, and what is missing."""
    from .doctor import report

    ok = report(click.echo)
    sys.exit(EXIT_OK if ok else EXIT_FAILED)


def _register_stage_commands() -> None:
    from .stages import all_stages

    for stage in all_stages():
        _stage_command(stage.name, stage.help)


_register_stage_commands()


def main() -> None:
    cli(prog_name="rodedraden")


def _setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("rodedraden: %(message)s"))
    handler.setLevel(level)
    log.handlers = [h for h in log.handlers if not isinstance(h, logging.StreamHandler)
                    or isinstance(h, logging.FileHandler)]
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
