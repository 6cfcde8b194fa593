"""Fixtures of the web tests: certificate chains, the app's configuration, the
test client, the production server, and ``post`` through either."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from skill.simulator.testpki import BuiltChain, TestChain, ensure_test_chain, make_chain
from skill.web import create_app
from skill.web.verification import cert_file_name
from tests.servers import Server, start_server
from tests.web.helpers import CHAIN_VARIANTS, NOW, SKILL_ID, Certs, Post, client_post, http_post


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    chain = ensure_test_chain(tmp_path_factory.mktemp("web-certs"))
    variants = {}
    for name, options in CHAIN_VARIANTS.items():
        url = f"https://s3.amazonaws.com/echo.api/{name}.pem"
        built = make_chain(**options)  # same cached root key as ``chain``
        (chain.directory / cert_file_name(url)).write_bytes(built.chain_pem)
        variants[name] = (url, built)
    return Certs(chain, variants)


@pytest.fixture(scope="session")
def config(certs: Certs) -> dict[str, str]:
    return {
        "ALEXA_SKILL_ID": SKILL_ID,
        "ALEXA_CA_BUNDLE": str(certs.chain.root_path),
        "ALEXA_CERT_DIR": str(certs.chain.directory),
    }


@pytest.fixture(scope="session")
def client(config: dict[str, str]) -> Any:
    return create_app(config).test_client()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, config: dict[str, str]) -> Iterator[Server]:
    """``python -m skill serve`` in production mode on a free port of 127.0.0.1."""
    running = start_server(tmp_path_factory.mktemp("server") / "server.log", config)
    yield running
    if running.process.poll() is None:
        started = time.monotonic()
        assert running.stop() == 0
        assert time.monotonic() - started < 10


@pytest.fixture(params=["client", pytest.param("http", marks=pytest.mark.slow)])
def post(request: pytest.FixtureRequest) -> Post:
    """The same POST / through the test client, then over HTTP to gunicorn."""
    if request.param == "client":
        return client_post(request.getfixturevalue("client"))
    return http_post(request.getfixturevalue("server").base)


# --- the verifier on its own ---------------------------------------------------


@pytest.fixture(scope="session")
def good() -> BuiltChain:
    return make_chain(now=NOW)


@pytest.fixture(scope="session")
def roots_path(tmp_path_factory: pytest.TempPathFactory, good: BuiltChain) -> str:
    path = tmp_path_factory.mktemp("roots") / "root.pem"
    path.write_bytes(good.root_pem)
    return str(path)


@pytest.fixture(scope="session")
def chain(tmp_path_factory: pytest.TempPathFactory) -> TestChain:
    return ensure_test_chain(tmp_path_factory.mktemp("certs"))
