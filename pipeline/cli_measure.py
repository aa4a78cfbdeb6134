"""Command line, the measuring commands: ``evaluate entities | themes | stability``,
``sweep`` and ``compare``. They register on the group in :mod:`pipeline.cli`, which imports
this module; kept apart so each module stays one readable size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .cli import _guarded, _runner, cli, common_options
from .errors import RodedradenError, UsageError


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

    Gold with offsets (corpus/gold/entities.jsonl) is scored by spans and by id sets; gold with
    document-level sets (corpus/gold/echt/entiteiten.jsonl, with --corpus
    corpus/gold/echt/teksten) by names per document, with recall on the names no gazetteer
    lists. Runs ingest and entities (cached when nothing changed), prints the table and writes
    metrics_entities.json into the run directory.
    """
    from .entities.evaluate_documents import is_document_gold
    from .storage import write_json

    if not gold.is_file():
        raise UsageError(f"gold file not found: {gold}",
                         hint="pass --gold with a JSONL file of annotated documents")
    runner = _runner(**options)
    result = runner.run(["entities"])
    texts = {d["id"]: d["text"] for d in result.outputs["ingest"]["corpus.jsonl"]}
    predicted = {r["id"]: r["entities"] for r in result.outputs["entities"]["documents.jsonl"]}
    if is_document_gold(gold):
        metrics, lines = _score_document_sets(gold, texts, predicted,
                                              runner.settings.entities.gazetteer_dir)
    else:
        metrics, lines = _score_spans(gold, texts, predicted)
    metrics["pipeline"] = result.outputs["entities"]["entities_summary.json"]["pipeline"]
    metrics["gold"] = str(gold)
    target = result.run_dir / "metrics_entities.json"
    write_json(target, metrics)
    click.echo("\n".join(lines))
    click.echo(f"pipeline: {metrics['pipeline']['description']}")
    click.echo(f"written: {target}")


def _score_spans(gold: Path, texts: dict[str, str], predicted: dict[str, Any]
                 ) -> tuple[dict[str, Any], list[str]]:
    from .entities.evaluate import evaluate as score
    from .entities.evaluate import format_table, load_gold, realign

    reference, alignment = realign(load_gold(gold), texts)
    metrics = score(predicted, reference)
    metrics["alignment"] = alignment
    lines = [format_table(metrics)]
    if alignment["realigned"] or alignment["unaligned"]:
        lines.append(f"gold spans re-aligned to the current cleaned text: "
                     f"{alignment['realigned']}, not found (dropped): {alignment['unaligned']}")
    return metrics, lines


def _score_document_sets(gold: Path, texts: dict[str, str], predicted: dict[str, Any],
                         gazetteer_dir: str) -> tuple[dict[str, Any], list[str]]:
    from .entities.evaluate_documents import (
        evaluate_documents,
        format_document_table,
        load_document_gold,
        missing_forms,
    )
    from .entities.gazetteer import load_gazetteer

    reference = load_document_gold(gold)
    gazetteer = load_gazetteer(gazetteer_dir)
    metrics = evaluate_documents(predicted, reference, known=lambda f: bool(gazetteer.lookup(f)))
    absent = missing_forms(reference, texts)
    metrics["forms_not_in_text"] = absent
    lines = [format_document_table(metrics)]
    if absent:
        lines.append(f"warning: {len(absent)} gold form(s) do not occur in their text (another "
                     f"copy of the page?), e.g. {absent[0]}")
    return metrics, lines


# -- themes commands --


@evaluate.command("themes")
@click.option("--labels", type=click.Path(path_type=Path), required=True,
              help="JSONL file with 'id' and the reference label of each document.")
@click.option("--label-field", required=True, help="Field of --labels holding the label.")
@click.option("--further-field", default=None,
              help="Field of --labels listing further reference themes (catalogue precision "
              "counts a label right when it names one of them).")
@click.option("--catalogue-map", type=click.Path(path_type=Path), default=None,
              help="YAML: catalogue entry name -> reference theme id; adds catalogue label "
              "precision.")
@common_options
@_guarded
def evaluate_themes(labels: Path, label_field: str, further_field: str | None,
                    catalogue_map: Path | None, **options: Any) -> None:
    """AMI, NMI, ARI and unassigned share of the document themes against reference labels,
    the top-2 hit rate, plain k-means on the same document vectors for comparison, and the
    precision of catalogue labels.

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
    themes_out = result.outputs["themes"]
    assigned = document_assignments(themes_out["document_themes.jsonl"],
                                    result.outputs["ingest"]["manifest.jsonl"])
    scores = evaluate(reference, assigned)
    scores.update(_reference_measures(result, reference, labels, further_field, catalogue_map,
                                      scores["themes"]))
    unsupervised = themes_out["metrics_themes.json"]
    report = {**scores, "labels": str(labels), "label_field": label_field,
              "metrics_themes": unsupervised, "run_id": result.run_id,
              "seconds": round(result.seconds, 1)}
    target = result.run_dir / "evaluation_themes.json"
    write_json(target, report)
    click.echo(format_table(scores, unsupervised))
    click.echo(f"run {result.run_id} ({result.seconds:.1f} s); written: {target}")


def _reference_measures(result: Any, reference: dict[str, str], labels: Path,
                        further_field: str | None, catalogue_map: Path | None,
                        found_themes: int) -> dict[str, Any]:
    """Top-2 hit rate, the k-means baseline and catalogue precision for evaluate themes."""
    from .themes.reference import read_catalogue_map, read_further, reference_measures

    return reference_measures(
        result.outputs["themes"], result.outputs["embed"], reference,
        read_further(labels, further_field) if further_field else {},
        read_catalogue_map(catalogue_map) if catalogue_map is not None else None, found_themes)


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


@evaluate.command("lessons")
@click.option("--gold", type=click.Path(path_type=Path),
              default=Path("corpus/gold/lessen/passages.jsonl"), show_default=True,
              help="Annotated passages (JSONL, guideline in corpus/gold/lessen/).")
@click.option("--texts", "text_corpora", multiple=True, type=click.Path(path_type=Path),
              help="Corpus folder holding annotated texts; repeatable (default: corpus/ and "
              "corpus/gold/echt/teksten/ where present).")
@click.option("--no-embeddings", is_flag=True, help="Lexical features only (faster).")
@common_options
@_guarded
def evaluate_lessons(gold: Path, text_corpora: tuple[Path, ...], no_embeddings: bool,
                     **options: Any) -> None:
    """Precision, recall and F1 per lesson type (werkzaam element, knelpunt, resultaat,
    vervolg): the cue phrases, the classifier cross-validated over documents, and held out
    (trained on the bundled stories, tested on the real texts). Texts are read through
    ingest, so offsets match the cleaned text; changed or missing texts are listed."""
    from .embed.backends import semantic_backend
    from .lessons.evaluate import evaluate_lessons as measure
    from .lessons.evaluate import format_lessons, load_passages, sentence_table
    from .storage import write_json

    passages = load_passages(gold)
    corpora = list(text_corpora) or [c for c in (Path("corpus"), Path("corpus/gold/echt/teksten"))
                                      if c.is_dir()]
    texts: dict[str, str] = {}
    runner = None
    for corpus in corpora:
        runner = _runner(**{**options, "corpus": corpus})
        result = runner.run(["ingest"])
        texts.update({d["id"]: d["text"] for d in result.outputs["ingest"]["corpus.jsonl"]})
    rows, skipped = sentence_table(passages, texts)
    encode = None
    if not no_embeddings and runner is not None:
        backend = semantic_backend(runner.settings.embed, [r["text"] for r in rows])
        encode = backend.encode
    report = measure(rows, encode)
    report["skipped"] = skipped
    report["gold"] = str(gold)
    target = Path(options["out"]) / "metrics_lessons.json"
    write_json(target, report)
    click.echo(format_lessons(report))
    if skipped:
        click.echo(f"{len(skipped)} annotated document(s) not scored, e.g. {skipped[0]}")
    click.echo(f"written: {target}")


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
