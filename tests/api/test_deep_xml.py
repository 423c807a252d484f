"""An answer nested absurdly deep is refused before it can stall Home Assistant."""

from __future__ import annotations

import time

import pytest

from custom_components.clicksend_sms.api import ClickSendResponseError
from custom_components.clicksend_sms.api.parser import MAX_DEPTH, parse_replies

from .bodies import REPLIES


def test_deep_nesting_is_refused_at_once() -> None:
    """Megabytes of nested elements under the size cap: refused, quickly."""
    levels = 400_000
    body = b"<xml><replies>" + b"<a>" * levels + b"</a>" * levels + b"</replies></xml>"
    started = time.perf_counter()
    with pytest.raises(ClickSendResponseError, match=f"deeper than {MAX_DEPTH}"):
        parse_replies(body)
    assert time.perf_counter() - started < 0.5


def test_large_flat_and_large_broken_answers_are_read_as_before() -> None:
    """A big ordinary answer parses, depth limit and all; a broken one says so."""
    reply = (
        b"<reply><from>+61411111111</from><message>hi</message>"
        b"<username>demo</username></reply>"
    )
    body = b"<xml><replies>" + reply * 2000 + b"</replies></xml>"
    assert len(body) > 64 * 1024
    assert len(parse_replies(body)) == 2000
    with pytest.raises(ClickSendResponseError, match="not XML"):
        parse_replies(body[:-7])
    assert parse_replies(REPLIES.encode())
