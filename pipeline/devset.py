"""Rebuild every figure measured on the real-text development set: ``make devset``.

The texts are public web pages that may not be kept in git. ``corpus/gold/echt/bronnen.jsonl``
records each text's URL, retrieval date and SHA-256; whoever has the texts in
``corpus/gold/echt/teksten/`` (one ``<id>.txt`` per text) can check them here and rebuild the
entity and theme scores. A text that is missing or differs from its hash is reported by id and
never silently left out: the run stops, since a figure over other texts is another figure.

    python -m pipeline.devset [--gold DIR] [--texts DIR] [--config FILE] [--check]

``--gold corpus/gold/echt-toets`` scores the held-out set, collected after the rules were
tuned on the development set: its figures are the ones that say how the rules generalise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

GOLD = Path("corpus/gold/echt")


def check_texts(texts: Path, sources: Path) -> list[str]:
    """Problems with the local copies: missing texts, changed texts, texts without a source."""
    problems = []
    listed = {}
    for line in sources.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            listed[row["id"]] = row
    for doc_id, row in sorted(listed.items()):
        path = texts / f"{doc_id}.txt"
        if not path.is_file():
            problems.append(f"{doc_id}: missing {path} (from {row['url']}, "
                            f"retrieved {row['retrieved']})")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != row["sha256"]:
            problems.append(f"{doc_id}: {path} differs from the text the gold was made for "
                            f"(sha256 {row['sha256'][:12]}...)")
    if texts.is_dir():
        problems += [f"{p.stem}: {p} has no row in {sources}"
                     for p in sorted(texts.glob("*.txt")) if p.stem not in listed]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.devset", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=GOLD,
                        help="folder with bronnen.jsonl, entiteiten.jsonl, themas.jsonl")
    parser.add_argument("--texts", type=Path, default=None,
                        help="folder with the texts (default: GOLD/teksten)")
    parser.add_argument("--config", default=None, help="config for both evaluations")
    parser.add_argument("--out", default="outputs")
    parser.add_argument("--check", action="store_true", help="only check the texts")
    args = parser.parse_args(argv)
    gold = args.gold
    args.texts = args.texts or gold / "teksten"
    catalogue = gold / "catalogus.yaml" if (gold / "catalogus.yaml").is_file() \
        else GOLD / "catalogus.yaml"
    problems = check_texts(args.texts, gold / "bronnen.jsonl")
    if problems:
        print(f"{len(problems)} problem(s) with the development texts in {args.texts}:",
              *(f"  {p}" for p in problems), sep="\n", file=sys.stderr)
        print("hint: the texts are not in git; see corpus/gold/echt/README.md", file=sys.stderr)
        return 1
    print(f"texts in {args.texts} match {gold / 'bronnen.jsonl'}")
    if args.check:
        return 0
    common = ["--corpus", str(args.texts), "--out", args.out, "-q"]
    if args.config:
        common += ["--config", args.config]
    commands = [
        ["evaluate", "entities", "--gold", str(gold / "entiteiten.jsonl"), *common],
        ["evaluate", "themes", "--labels", str(gold / "themas.jsonl"),
         "--label-field", "hoofdthema", "--further-field", "neventhemas",
         "--catalogue-map", str(catalogue), *common],
    ]
    for command in commands:
        print(f"\n$ rodedraden {' '.join(command)}", flush=True)
        done = subprocess.run([sys.executable, "-m", "pipeline", *command], check=False)
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
