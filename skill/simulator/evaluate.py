"""Measure the simulator's understanding on utterances that are not in the model.

``python -m skill.simulator.evaluate CORPUS_DIR`` (the project's corpora are
in tests/corpus) prints, for each corpus in the folder, how many utterances
reach the expected intent, and lists every miss. A corpus is a JSON Lines
file ``<corpus>.<locale>.jsonl`` of ``{"utterance": ..., "intent": ...}``.
In-domain rows give intent accuracy; out-of-domain rows give the share that
reaches the fallback intent (the simulator pretended to understand none of
them when it is 100%). The held-out corpus was written after the matcher was
tuned on the others, and never tuned on: it shows how well the tuning
generalises.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from skill.simulator.nlu import FALLBACK, Understander

CORPORA = ("utterances", "fallback", "heldout")
TARGETS = {"in-domain": "95%", "out-of-domain": "100%"}


@dataclass(frozen=True)
class Miss:
    utterance: str
    expected: str
    got: str


@dataclass(frozen=True)
class CorpusFigure:
    """How many of one corpus's utterances of one domain reach the expected intent."""

    corpus: str
    domain: str  # "in-domain" or "out-of-domain"
    total: int
    correct: int

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class Report:
    figures: tuple[CorpusFigure, ...]
    misses: tuple[Miss, ...]

    def figure(self, corpus: str, domain: str) -> CorpusFigure:
        return next(figure for figure in self.figures if (figure.corpus, figure.domain) == (corpus, domain))

    def table(self) -> str:
        lines = [
            "| corpus | utterances | reach the expected intent | share | target |",
            "|---|---|---|---|---|",
        ]
        for figure in self.figures:
            target = TARGETS[figure.domain] if figure.corpus != "heldout" else "(not tuned on)"
            name = f"{figure.corpus}, {figure.domain}"
            lines.append(f"| {name} | {figure.total} | {figure.correct} | {figure.share:.1%} | {target} |")
        return "\n".join(lines)


def read_corpus(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["utterance"], row["intent"]) for row in rows]


def corpus_files(corpus_dir: Path, locale: str) -> dict[str, Path]:
    """Each corpus of ``CORPORA`` (in that order) and its file for the locale in the folder."""
    return {corpus: corpus_dir / f"{corpus}.{locale}.jsonl" for corpus in CORPORA}


def evaluate(corpus_dir: Path, locale: str = "en-US") -> Report:
    """How the locale's understander does on the corpora in ``corpus_dir``."""
    understander = Understander.for_locale(locale)
    counts: dict[tuple[str, str], list[int]] = {}
    misses: list[Miss] = []
    for corpus, path in corpus_files(corpus_dir, locale).items():
        for utterance, expected in read_corpus(path):
            domain = "out-of-domain" if expected == FALLBACK else "in-domain"
            got = understander.understand(utterance).intent or "LaunchRequest"
            tally = counts.setdefault((corpus, domain), [0, 0])
            tally[0] += 1
            if got == expected:
                tally[1] += 1
            else:
                misses.append(Miss(utterance, expected, got))
    figures = tuple(
        CorpusFigure(corpus, domain, total, correct) for (corpus, domain), (total, correct) in counts.items()
    )
    return Report(figures, tuple(misses))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skill.simulator.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("corpus_dir", metavar="CORPUS_DIR", type=Path, help="the folder of corpora (tests/corpus)")
    parser.add_argument("--locale", default="en-US")
    args = parser.parse_args(argv)
    if not args.corpus_dir.is_dir():
        parser.error(f"{args.corpus_dir}: no such folder")
    missing = [path.name for path in corpus_files(args.corpus_dir, args.locale).values() if not path.is_file()]
    if missing:
        parser.error(f"{args.corpus_dir}: no {', '.join(missing)}")
    report = evaluate(args.corpus_dir, args.locale)
    print(report.table())
    for miss in report.misses:
        print(f"miss: {miss.utterance!r}: expected {miss.expected}, got {miss.got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
