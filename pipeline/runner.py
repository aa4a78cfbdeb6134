"""The staged runner: caching, run directories, locking. The one place that does I/O for stages.

A stage is a plain function ``func(ctx, **inputs) -> {artifact_name: value}`` declared once with
its code ``version``, the config ``sections`` it reads and the stages it ``requires``. Its cache
key is a hash of those three plus the keys of its inputs (the DVC idea, in-process), so a stage
re-runs only when its code, its parameters or its inputs change, and ``status`` can say which
of the three changed without running anything. Per-document work inside a stage goes through
:meth:`StageContext.map_cached`, which caches each item on its own.

Each run is assembled in ``outputs/runs/.partial-<id>/`` and renamed to ``outputs/runs/<id>/``
only when every stage has finished; ``outputs/latest`` then points at it. A run that fails is
left as ``outputs/runs/failed-<id>/`` for inspection and is never pointed at.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import filelock
from tqdm import tqdm

from . import __version__
from .config import section_hash, to_yaml
from .errors import RunLockedError, StageFailedError, UsageError
from .memo import Memo
from .outputs import CACHE_FILE, check_outputs_folder, outputs_lock, point_latest
from .outputs import LOCK_FILE as LOCK_FILE  # where callers and tests have always found it
from .settings import Settings
from .storage import Cache, stable_hash, write_bytes, write_json, write_jsonl, write_text

log = logging.getLogger("rodedraden")

ITEM_BATCH = 64
CODE_SUFFIXES = {".py", ".j2", ".css", ".js", ".json"}


@dataclass(frozen=True)
class Stage:
    """Declaration of one stage; see the module docstring."""

    name: str
    func: Callable[..., dict[str, Any]]
    version: str
    sections: tuple[str, ...]
    requires: tuple[str, ...] = ()
    gather: Callable[[Settings, Path], dict[str, Any]] | None = None
    fingerprint: Callable[[dict[str, Any]], Any] | None = None
    summary: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    external: Callable[[Settings], Any] | None = None  # files or models outside the config
    previous: tuple[str, ...] = ()  # artifacts of the previous successful run it reads
    help: str = ""


@dataclass
class StageReport:
    name: str
    status: str = "pending"  # ran | cached | failed
    seconds: float = 0.0
    items: dict[str, dict[str, int]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


class StageContext:
    """What a stage function gets besides its inputs: settings, per-item caching, progress."""

    def __init__(self, stage: Stage, settings: Settings, cache: Cache, report: StageReport,
                 show_progress: bool):
        self.stage = stage
        self.settings = settings
        self._cache = cache
        self._report = report
        self._show_progress = show_progress

    def map_cached(self, name: str, items: Sequence[tuple[str, Any]],
                   compute: Callable[[Iterable[Any]], Iterator[Any]]) -> list[Any]:
        """Results for ``(key, item)`` pairs, in input order, computing only uncached ones.

        ``compute`` receives the uncached items as one iterable and yields one result per item
        in the same order, so a stage can stream them through ``nlp.pipe`` or batch them for an
        encoder. Results are committed in batches: an interruption loses at most one batch.
        """
        namespace = f"{self.stage.name}.{name}@{self.stage.version}"
        keys = [key for key, _ in items]
        found = self._cache.get_items(namespace, sorted(set(keys)))
        todo = [(key, item) for key, item in items if key not in found]
        unique_todo = list({key: item for key, item in todo}.items())
        # a stage may call it several times for one name: the report sums the calls
        counts = self._report.items.setdefault(name, {"total": 0, "cached": 0, "computed": 0})
        counts["total"] += len(items)
        counts["cached"] += len(items) - len(todo)
        counts["computed"] += len(todo)
        if unique_todo:
            results = compute(item for _, item in unique_todo)
            pending: dict[str, Any] = {}
            progress = self.progress(zip(unique_todo, results, strict=True),
                                     total=len(unique_todo), desc=f"{self.stage.name}: {name}")
            for (key, _), result in progress:
                pending[key] = result
                found[key] = result
                if len(pending) >= ITEM_BATCH:
                    self._cache.put_items(namespace, pending)
                    pending = {}
            if pending:
                self._cache.put_items(namespace, pending)
        return [found[key] for key in keys]

    def progress(self, iterable: Iterable[Any], total: int | None = None, desc: str = ""):
        return tqdm(iterable, total=total, desc=desc, disable=not self._show_progress,
                    leave=False, file=sys.stderr, dynamic_ncols=True)


@dataclass
class RunResult:
    run_id: str
    run_dir: Path
    reports: list[StageReport]
    outputs: dict[str, dict[str, Any]]
    seconds: float


class Runner:
    """Plans and executes stages over one corpus, config and outputs folder."""

    def __init__(self, stages: Sequence[Stage], settings: Settings, corpus: Path, out: Path,
                 show_progress: bool = False, config_source: str | None = None):
        self.stages = {stage.name: stage for stage in stages}
        self.settings = settings
        self.corpus = corpus
        self.out = out
        self.show_progress = show_progress
        self.config_source = config_source

    # -- planning ---------------------------------------------------------------------------

    def plan(self, targets: Sequence[str] | None = None) -> list[Stage]:
        """Stages needed for ``targets`` (all when None), upstream first."""
        order: list[Stage] = []
        wanted = list(targets or self.stages)

        def visit(name: str) -> None:
            if name not in self.stages:
                raise UsageError(f"unknown stage {name!r}",
                                 hint=f"stages: {', '.join(self.stages)}")
            stage = self.stages[name]
            for upstream in stage.requires:
                visit(upstream)
            if stage not in order:
                order.append(stage)

        for name in wanted:
            visit(name)
        return order

    def key_parts(self, stage: Stage, inputs: Mapping[str, Any],
                  upstream_keys: Mapping[str, str]) -> dict[str, Any]:
        if stage.gather is not None and stage.fingerprint is not None:
            input_id = stable_hash(stage.fingerprint(dict(inputs)))
        else:
            input_id = stable_hash({name: upstream_keys[name] for name in stage.requires})
        parts = {"version": stage.version,
                 "config": {name: section_hash(self.settings, name) for name in stage.sections},
                 "inputs": input_id}
        if stage.external is not None:
            parts["external"] = stable_hash(stage.external(self.settings))
        if stage.previous:
            parts["previous"] = stable_hash(inputs.get("previous"))
        return parts

    def status(self, targets: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """For each stage: cached or would run, with the reason. Runs nothing."""
        self._check_corpus()
        cache = Cache(self.out / CACHE_FILE)
        try:
            keys: dict[str, str] = {}
            rows = []
            for stage in self.plan(targets):
                parts = self.key_parts(stage, self._inputs(stage, None), keys)
                keys[stage.name] = stable_hash(stage.name, parts)
                cached = cache.has_stage(stage.name, keys[stage.name])
                rows.append({"stage": stage.name, "cached": cached,
                             "reason": "up to date" if cached
                             else _why_rerun(cache.last_parts(stage.name), parts)})
            return rows
        finally:
            cache.close()

    @contextmanager
    def memo(self, stage_name: str) -> Iterator[Memo]:
        """The per-item cache of ``stage_name`` for its code called outside a run (``sweep``):
        what a run remembered is found here, and the other way round."""
        cache = Cache(self.out / CACHE_FILE)
        try:
            yield StageContext(self.stages[stage_name], self.settings, cache,
                               StageReport(stage_name), show_progress=False).map_cached
        finally:
            cache.close()

    # -- running ----------------------------------------------------------------------------

    def run(self, targets: Sequence[str] | None = None) -> RunResult:
        self._check_corpus()
        plan = self.plan(targets)
        self.out.mkdir(parents=True, exist_ok=True)
        lock = outputs_lock(self.out)
        timeout = self.settings.run.lock_timeout_s
        # Acquired exactly once: the lock counts acquisitions, and one left over would keep
        # the folder locked for as long as this object lives (a traceback can keep it alive).
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            if timeout > 0:
                log.warning("another rodedraden run is using %s; waiting up to %.0f s",
                            self.out, timeout)
            try:
                lock.acquire(timeout=timeout)
            except filelock.Timeout:
                raise RunLockedError(
                    f"another rodedraden run is using the outputs folder {self.out}",
                    hint="wait for it to finish, raise run.lock_timeout_s, or use another "
                    "--out") from None
        try:
            return self._run_locked(plan)
        finally:
            lock.release()

    def _inputs(self, stage: Stage, outputs: Mapping[str, Mapping[str, Any]] | None
                ) -> dict[str, Any]:
        """A stage's inputs: gathered sources, or upstream outputs (None when only the cache
        key is wanted: upstream keys stand for them), plus previous-run artifacts."""
        if stage.gather is not None:
            inputs = stage.gather(self.settings, self.corpus)
        else:
            inputs = {name: outputs[name] for name in stage.requires} if outputs else {}
        if stage.previous:
            inputs["previous"] = self._previous(stage)
        return inputs

    def _previous(self, stage: Stage) -> dict[str, Any]:
        """The declared artifacts of the newest successful run (None where absent)."""
        latest = self.out / "latest"
        found: dict[str, Any] = {}
        for name in stage.previous:
            path = latest / name
            try:
                found[name] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                found[name] = None  # first run, or an unreadable file: start afresh
        return found

    def _run_locked(self, plan: list[Stage]) -> RunResult:
        started = time.perf_counter()
        run_id = self._new_run_id()
        partial = self.out / "runs" / f".partial-{run_id}"
        reports: list[StageReport] = []
        outputs: dict[str, dict[str, Any]] = {}
        keys: dict[str, str] = {}
        run_info: dict[str, Any] = {
            "run_id": run_id, "status": "running", "started": _now(),
            "corpus": str(self.corpus), "config": self.config_source,
            "config_hash": section_hash(self.settings, *type(self.settings).model_fields),
            "versions": versions(), "stages": {},
        }
        partial.mkdir(parents=True)
        # nothing may come between mkdir and the try: an interruption (Ctrl-C, SIGTERM) must
        # always find the except below, or the .partial folder would stay for ever
        handler: logging.Handler | None = None
        cache: Cache | None = None
        try:
            handler = _attach_log_file(partial / "run.log")
            cache = Cache(self.out / CACHE_FILE)
            write_text(partial / "config.yaml", to_yaml(self.settings))
            log.info("run %s: stages %s", run_id, ", ".join(s.name for s in plan))
            for stage in plan:
                report = StageReport(stage.name)
                reports.append(report)
                outputs[stage.name] = self._run_stage(stage, cache, report, keys, outputs)
                self._write_artifacts(partial, outputs[stage.name])
                run_info["stages"][stage.name] = _report_dict(report)
            run_info.update(status="succeeded", finished=_now(),
                            seconds=round(time.perf_counter() - started, 3))
            write_json(partial / "run.json", run_info)
            final = self.out / "runs" / run_id
            _detach_log_file(handler)
            os.replace(partial, final)
        except BaseException as exc:
            for report in reports:
                if report.status == "pending":
                    report.status = "failed"
                run_info["stages"][report.name] = _report_dict(report)
            run_info.update(status="failed", finished=_now(), error=str(exc))
            write_json(partial / "run.json", run_info)
            if handler is not None:
                _detach_log_file(handler)
            os.replace(partial, self.out / "runs" / f"failed-{run_id}")
            raise
        finally:
            if cache is not None:
                cache.close()
        # outside the try: the run is complete whatever happens to the link
        point_latest(self.out, final)
        return RunResult(run_id, final, reports, outputs, time.perf_counter() - started)

    def _run_stage(self, stage: Stage, cache: Cache, report: StageReport,
                   keys: dict[str, str], outputs: Mapping[str, Mapping[str, Any]]
                   ) -> dict[str, Any]:
        started = time.perf_counter()
        inputs = self._inputs(stage, outputs)
        parts = self.key_parts(stage, inputs, keys)
        key = keys[stage.name] = stable_hash(stage.name, parts)
        result = cache.load_stage(stage.name, key)
        if result is not None:
            report.status = "cached"
            log.info("%s: cached (key %s)", stage.name, key[:12])
        else:
            log.info("%s: running (%s)", stage.name,
                     _why_rerun(cache.last_parts(stage.name), parts))
            ctx = StageContext(stage, self.settings, cache, report, self.show_progress)
            result = stage.func(ctx, **inputs)
            cache.save_stage(stage.name, key, result)
            report.status = "ran"
        cache.remember_parts(stage.name, key, parts)
        report.seconds = round(time.perf_counter() - started, 3)
        if stage.summary is not None:
            report.summary = stage.summary(result)
        return result

    def _write_artifacts(self, run_dir: Path, artifacts: Mapping[str, Any]) -> None:
        """Write a stage's artifacts: .json/.jsonl from data, other files from str or bytes.

        Names starting with "_" are in-memory only (passed downstream and cached); ``.npy``
        arrays stay in the cache. A name may contain folders but never leave the run folder.
        """
        root = run_dir.resolve()
        for name, value in artifacts.items():
            if name.startswith("_") or name.endswith(".npy"):
                continue
            target = (root / name).resolve()
            if not target.is_relative_to(root) or target == root:
                raise StageFailedError(f"artifact name {name!r} points outside the run folder",
                                       code="RD312")
            if name.endswith(".jsonl"):
                write_jsonl(target, value)
            elif name.endswith(".json"):
                write_json(target, value)
            elif isinstance(value, bytes):
                write_bytes(target, value)
            elif isinstance(value, str):
                write_text(target, value)

    def _check_corpus(self) -> None:
        check_outputs_folder(self.out)
        if not self.corpus.is_dir():
            raise UsageError(f"corpus folder not found: {self.corpus}",
                             hint="pass --corpus with a folder of documents (default: corpus/)")

    def _new_run_id(self) -> str:
        base = datetime.now().strftime("%Y%m%d-%H%M%S")
        candidate, n = base, 1
        while any((self.out / "runs" / name).exists()
                  for name in (candidate, f".partial-{candidate}", f"failed-{candidate}")):
            n += 1
            candidate = f"{base}-{n}"
        return candidate


def code_version(package_file: str, release: str = "1") -> str:
    """A stage's code version: its release number plus a hash of its package's source files.

    Editing any module of a stage invalidates that stage's cache without anyone having to
    remember to bump a number; ``release`` is for changes outside those files that alter output.
    """
    folder = Path(package_file).parent
    root = Path(__file__).parent
    # Templates and static files shape output as much as code does.
    sources = sorted(p for p in folder.rglob("*") if p.suffix in CODE_SUFFIXES
                     and "__pycache__" not in p.parts)
    digest = stable_hash([(p.relative_to(root).as_posix(), p.read_bytes().decode("utf-8"))
                          for p in sources])
    return f"{release}-{digest[:10]}"


def versions() -> dict[str, str]:
    """Versions that decide what a run produces; written into every run.json."""
    from importlib import metadata

    found = {"rodedraden": __version__, "python": platform.python_version()}
    for package in ("spacy", "scikit-learn", "bertopic", "numpy", "pydantic"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def _why_rerun(last: Mapping[str, Any] | None, parts: Mapping[str, Any]) -> str:
    if last is None:
        return "never run with this outputs folder"
    reasons = []
    if last.get("version") != parts["version"]:
        reasons.append(f"code version {last.get('version')} -> {parts['version']}")
    changed = sorted(name for name, value in parts["config"].items()
                     if last.get("config", {}).get(name) != value)
    if changed:
        reasons.append("config changed: " + ", ".join(changed))
    if last.get("inputs") != parts["inputs"]:
        reasons.append("inputs changed")
    if last.get("external") != parts.get("external"):
        reasons.append("external inputs changed (files outside the config, or the model)")
    if last.get("previous") != parts.get("previous"):
        reasons.append("previous run's results changed")
    return "; ".join(reasons) or "no cache entry for this combination"


def _report_dict(report: StageReport) -> dict[str, Any]:
    return {"status": report.status, "seconds": report.seconds, "items": report.items,
            "summary": report.summary}


def _attach_log_file(path: Path) -> logging.Handler:
    """Feed ``path`` while a run lasts; :func:`_detach_log_file` puts the logger back."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.previous_level = log.level  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    handler.setLevel(logging.DEBUG)
    log.addHandler(handler)
    # Without the CLI the logger inherits the root's WARNING level and the file would stay
    # empty; console handlers keep their own levels, so this only feeds the file (and only
    # until the run ends: a caller's handlers must not see our debug records afterwards).
    log.setLevel(logging.DEBUG)
    return handler


def _detach_log_file(handler: logging.Handler) -> None:
    log.removeHandler(handler)
    log.setLevel(handler.previous_level)  # type: ignore[attr-defined]
    handler.close()


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
