"""When the buffering worker has a whole request: ``request_end`` on heads,
Content-Length and chunked bodies, cut anywhere. (The worker itself is tested
over real HTTP in tests/test_load.py and tests/web/test_server.py.)"""

from __future__ import annotations

import pytest

from skill.web.worker import CUT, MAX_HEAD_BYTES, expects_continue, request_end

CAP = 1000
HEAD = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"


def with_length(body: bytes, declared: int | None = None) -> bytes:
    return HEAD + b"Content-Length: %d\r\n\r\n" % (len(body) if declared is None else declared) + body


def chunked(*chunks: bytes, trailers: bytes = b"") -> bytes:
    encoded = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)
    return HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + encoded + b"0\r\n" + trailers + b"\r\n"


@pytest.mark.parametrize(
    "request_bytes",
    [with_length(b'{"a": 1}'), with_length(b""), b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
     chunked(b'{"a":', b" 1}"), chunked(b"x" * 300, trailers=b"X-Trailer: y\r\n"),
     HEAD.replace(b"Content-Type", b"content-length: 2\r\nContent-Type") + b"\r\n{}"],
    ids=["length", "empty-body", "no-body", "chunked", "chunked-trailers", "lower-case-header"],
)
def test_a_whole_request_ends_where_it_ends_and_not_before(request_bytes: bytes) -> None:
    assert request_end(request_bytes, CAP) == len(request_bytes)
    for cut in range(len(request_bytes)):  # every prefix is still waiting for more
        assert request_end(request_bytes[:cut], CAP) is None, cut
    # A second request behind it (pipelined) does not move the end of the first.
    assert request_end(request_bytes + b"GET / HTTP/1.1\r\n", CAP) == len(request_bytes)


def test_a_body_declared_over_the_cap_is_served_at_once_to_be_refused() -> None:
    assert request_end(HEAD + b"Content-Length: 1001\r\n\r\n", CAP) == CUT
    assert request_end(with_length(b"x" * 1000), CAP) == len(with_length(b"x" * 1000))


def test_a_chunked_body_past_the_cap_is_cut() -> None:
    endless = HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + b"100\r\n" + b"x" * 256 + b"\r\n"
    assert request_end(endless * 1, CAP) is None
    assert request_end(HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + (b"100\r\n" + b"x" * 256 + b"\r\n") * 4,
                       CAP) == CUT


@pytest.mark.parametrize(
    "malformed",
    [HEAD + b"Content-Length: ten\r\n\r\n", HEAD + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
     HEAD + b"Content-Length: -1\r\n\r\n", HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"],
    ids=["not-a-number", "two-lengths", "negative", "bad-chunk-size"],
)
def test_malformed_framing_is_served_at_once_for_gunicorn_to_refuse(malformed: bytes) -> None:
    assert request_end(malformed, CAP) == CUT


def test_a_head_that_never_ends_is_cut_past_the_limit() -> None:
    assert request_end(b"POST / HTTP/1.1\r\nX: " + b"a" * 1000, CAP) is None
    assert request_end(b"POST / HTTP/1.1\r\nX: " + b"a" * MAX_HEAD_BYTES, CAP) == CUT


@pytest.mark.parametrize(("head", "expects"), [
    (b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 9\r\n\r\n", True),
    (b"POST / HTTP/1.1\r\nexpect:  100-Continue \r\n\r\n", True),
    (b"POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n", False),  # HTTP/1.0 ignores it
    (b"POST / HTTP/1.1\r\nX-Expect: 100-continue\r\n\r\n", False),
    (b"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n", False),
])
def test_expects_continue(head: bytes, expects: bool) -> None:
    assert expects_continue(head + b"{") is expects
