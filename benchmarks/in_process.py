"""Section 1 of the benchmark suite: both skills in this process, over the same envelopes.

Also where a web request's time goes besides the skill: the request envelope
check (``read_envelope``) and request verification with a warm certificate cache.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["InProcess", "best_rate", "measure"]

T = TypeVar("T")


@dataclass(frozen=True)
class InProcess:
    ours_rps: float
    minimal_rps: float
    # Where a web request's time goes besides the skill, µs per request:
    schema_us: float  # json.loads and the request envelope schema (skill.web.app.read_envelope)
    verify_us: float  # request verification with a warm certificate cache


def best_rate(call: Callable[[T], object], inputs: Sequence[T], count: int, rounds: int) -> float:
    """Calls per second of ``call`` on ``count`` of the ``inputs`` in turn: the best of ``rounds``."""
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        for index in range(count):
            call(inputs[index % len(inputs)])
        best = max(best, count / (time.perf_counter() - started))
    return best


def measure(rounds: int, per_round: int, log_dir: Path) -> InProcess:
    """Both skills over the same envelopes, ``rounds`` samples of ``per_round`` requests each, alternating."""
    from benchmarks.baselines import minimal_skill
    from benchmarks.workload import SKILL_ID, conversations, encode
    from skill import build_skill, handle_envelope
    from skill.simulator.testpki import ensure_test_chain
    from skill.web.app import read_envelope
    from skill.web.verification import CertificateStore, RequestVerifier

    mix = conversations(4)
    skills = {"ours": build_skill(SKILL_ID), "minimal": minimal_skill()}
    for skill in skills.values():  # warm-up: content caches, first-call imports
        for envelope in mix:
            handle_envelope(skill, envelope)
    # Many short samples, alternating: a burst of other work on the machine slows a
    # few samples of each skill alike, and the best sample of each is left clean.
    best = dict.fromkeys(skills, 0.0)
    for _ in range(rounds):
        for name, skill in skills.items():
            best[name] = max(best[name], best_rate(partial(handle_envelope, skill), mix, per_round, 1))

    bodies = [encode(envelope) for envelope in mix]
    schema_rate = best_rate(read_envelope, bodies, per_round, max(1, rounds // 2))
    chain = ensure_test_chain(log_dir / "certs")
    verifier = RequestVerifier(CertificateStore(trust_roots_pem_path=chain.root_path, cert_dir=chain.directory),
                               SKILL_ID)
    signed = [(chain.headers(body), body, json.loads(body)) for body in bodies]
    verifier.verify(*signed[0])  # warms the certificate cache

    def verify(request: tuple[dict[str, str], bytes, dict[str, Any]]) -> None:
        verifier.verify(*request)

    verify_rate = best_rate(verify, signed, per_round, max(1, rounds // 2))
    return InProcess(best["ours"], best["minimal"], 1e6 / schema_rate, 1e6 / verify_rate)
