"""Measure the simulator's understanding on utterances that are not in the model.

``python -m skill.simulator.evaluate`` prints, for each corpus in tests/corpus,
how many utterances reach the expected intent, and lists every miss.
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

from skill import markdown
from skill.model import REPO_ROOT
from skill.simulator.nlu import FALLBACK, Understander

CORPUS_DIR = REPO_ROOT / "tests" / "corpus"
CORPORA = ("utterances", "fallback", "heldout")
TARGETS = {"in-domain": "95%", "out-of-domain": "100%"}


@dataclass(frozen=True)
class Miss:
    utterance: str
    expected: str
    got: str


@dataclass(frozen=True)
class Row:
    corpus: str
    domain: str  # "in-domain" or "out-of-domain"
    total: int
    correct: int

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class Report:
    rows: tuple[Row, ...]
    misses: tuple[Miss, ...]

    def row(self, corpus: str, domain: str) -> Row:
        return next(row for row in self.rows if (row.corpus, row.domain) == (corpus, domain))

    def table(self) -> str:
        header = ("corpus", "utterances", "reach the expected intent", "share", "target")
        return markdown.table(header, [
            (f"{row.corpus}, {row.domain}", str(row.total), str(row.correct), f"{row.share:.1%}",
             TARGETS[row.domain] if row.corpus != "heldout" else "(not tuned on)")
            for row in self.rows
        ])


def read_corpus(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["utterance"], row["intent"]) for row in rows]


def evaluate(locale: str = "en-US", corpus_dir: Path = CORPUS_DIR) -> Report:
    understander = Understander.for_locale(locale)
    counts: dict[tuple[str, str], list[int]] = {}
    misses: list[Miss] = []
    for corpus in CORPORA:
        for utterance, expected in read_corpus(corpus_dir / f"{corpus}.{locale}.jsonl"):
            domain = "out-of-domain" if expected == FALLBACK else "in-domain"
            got = understander.understand(utterance).intent or "LaunchRequest"
            tally = counts.setdefault((corpus, domain), [0, 0])
            tally[0] += 1
            if got == expected:
                tally[1] += 1
            else:
                misses.append(Miss(utterance, expected, got))
    rows = tuple(Row(corpus, domain, total, correct) for (corpus, domain), (total, correct) in counts.items())
    return Report(rows, tuple(misses))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locale", default="en-US")
    report = evaluate(parser.parse_args(argv).locale)
    print(report.table())
    for miss in report.misses:
        print(f"miss: {miss.utterance!r}: expected {miss.expected}, got {miss.got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
