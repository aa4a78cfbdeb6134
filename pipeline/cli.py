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


# the measuring commands (evaluate, sweep, compare) live in their own module
# the curators' gazetteer commands (gazetteer suggest) too
from . import cli_gazetteer, cli_measure  # noqa: E402, F401


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
