"""Atomic writes and interruption: a stage killed halfway leaves no trusted partial output."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import make_settings

from pipeline.runner import CACHE_FILE, ITEM_BATCH, Runner, Stage
from pipeline.storage import atomic_open, write_json, write_text

N_ITEMS = ITEM_BATCH * 2 + 10   # more than two commit batches
STOP_AFTER = ITEM_BATCH + 5     # interrupt inside the second batch


class Work:
    """Records which items a stage computed; can raise KeyboardInterrupt after ``stop_after``."""

    def __init__(self, prefix: str = "n"):
        self.computed: list[int] = []
        self.stop_after: int | None = None
        self.prefix = prefix

    def stage_func(self, ctx, numbers):
        def compute(todo):
            for n in todo:
                if self.stop_after is not None and len(self.computed) >= self.stop_after:
                    raise KeyboardInterrupt
                self.computed.append(n)
                yield n * n

        squares = ctx.map_cached("square", [(f"{self.prefix}{n}", n) for n in numbers],
                                 compute)
        return {"squares.json": squares}


def make_stage(work: Work, n_items: int) -> Stage:
    return Stage(name="squares", func=work.stage_func, version="1", sections=("run.seed",),
                 gather=lambda settings, corpus: {"numbers": list(range(n_items))})


def runner(work: Work, tmp_path, n_items: int = N_ITEMS, seed: int = 1) -> Runner:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    return Runner([make_stage(work, n_items)], make_settings(f"run.seed={seed}"), corpus,
                  tmp_path / "out")


def stage_complete_rows(out) -> list[tuple]:
    with sqlite3.connect(out / CACHE_FILE) as db:
        return db.execute("SELECT stage, key FROM stage_complete").fetchall()


def item_count(out) -> int:
    with sqlite3.connect(out / CACHE_FILE) as db:
        return db.execute("SELECT count(*) FROM items").fetchone()[0]


def test_interrupted_stage_leaves_no_trusted_output_and_the_next_run_recovers(tmp_path):
    out = tmp_path / "out"
    good = runner(Work(prefix="warm-"), tmp_path, n_items=5, seed=1).run()  # a 'latest' run
    latest_before = (out / "latest").resolve()
    assert latest_before == good.run_dir.resolve()
    assert len(stage_complete_rows(out)) == 1
    assert item_count(out) == 5

    work = Work()
    work.stop_after = STOP_AFTER
    interrupted = runner(work, tmp_path, seed=2)
    with pytest.raises(KeyboardInterrupt):
        interrupted.run()

    runs = sorted(p.name for p in (out / "runs").iterdir())
    failed = [name for name in runs if name.startswith("failed-")]
    assert len(failed) == 1
    assert runs == sorted([good.run_dir.name, *failed])  # no runs/<id>/, no .partial-<id>/
    assert (out / "latest").resolve() == latest_before
    assert len(stage_complete_rows(out)) == 1            # nothing new is trusted
    assert interrupted.status()[0]["cached"] is False
    assert not (out / "runs" / failed[0] / "squares.json").exists()
    failed_info = (out / "runs" / failed[0] / "run.json").read_text()
    assert '"status": "failed"' in failed_info
    # the first full batch was committed before the interruption, the partial one was not
    assert work.computed == list(range(STOP_AFTER))
    assert item_count(out) == 5 + ITEM_BATCH

    work = Work()
    result = runner(work, tmp_path, seed=2).run()
    report = result.reports[0]
    assert report.status == "ran"
    assert report.items["square"] == {"total": N_ITEMS, "cached": ITEM_BATCH,
                                      "computed": N_ITEMS - ITEM_BATCH}
    assert work.computed == list(range(ITEM_BATCH, N_ITEMS))
    assert result.outputs["squares"]["squares.json"] == [n * n for n in range(N_ITEMS)]
    assert (out / "latest").resolve() == result.run_dir.resolve()
    assert len(stage_complete_rows(out)) == 2


def test_exception_in_a_stage_marks_the_run_failed_and_keeps_latest(tmp_path):
    out = tmp_path / "out"
    good = runner(Work(), tmp_path, n_items=3, seed=1).run()

    def broken(ctx, numbers):
        raise RuntimeError("stuk")

    corpus = tmp_path / "corpus"
    stage = Stage(name="squares", func=broken, version="1", sections=("run.seed",),
                  gather=lambda settings, corpus: {"numbers": [1]})
    with pytest.raises(RuntimeError, match="stuk"):
        Runner([stage], make_settings("run.seed=3"), corpus, out).run()
    assert (out / "latest").resolve() == good.run_dir.resolve()
    failed = [p for p in (out / "runs").iterdir() if p.name.startswith("failed-")]
    assert len(failed) == 1
    assert "stuk" in (failed[0] / "run.json").read_text()


def test_atomic_open_keeps_the_old_file_when_the_writer_raises(tmp_path):
    target = tmp_path / "data.json"
    write_json(target, {"versie": 1})
    before = target.read_bytes()
    with pytest.raises(RuntimeError):
        with atomic_open(target) as fh:
            fh.write('{"versie": 2, "half')
            raise RuntimeError("schijf vol")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]  # no temp file left


def test_atomic_open_keeps_the_old_file_on_keyboard_interrupt(tmp_path):
    target = tmp_path / "tekst.txt"
    write_text(target, "oud\n")
    with pytest.raises(KeyboardInterrupt):
        with atomic_open(target, "wb") as fh:
            fh.write(b"nieuw maar half")
            raise KeyboardInterrupt
    assert target.read_text() == "oud\n"
    assert [p.name for p in tmp_path.iterdir()] == ["tekst.txt"]


def test_atomic_open_replaces_the_file_on_success(tmp_path):
    target = tmp_path / "sub" / "uit.txt"
    with atomic_open(target) as fh:
        fh.write("regel één\n")
    assert target.read_text(encoding="utf-8") == "regel één\n"
    with atomic_open(target) as fh:
        fh.write("regel twee\n")
    assert target.read_text(encoding="utf-8") == "regel twee\n"
    assert [p.name for p in target.parent.iterdir()] == ["uit.txt"]
