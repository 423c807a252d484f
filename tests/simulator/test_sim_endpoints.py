# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Credentials, standing and the document's shapes, on every endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from clicksend_simulator import DEMO_KEY, ENDPOINTS, TEST_ACCOUNT_KEY

if TYPE_CHECKING:
    from clicksend_simulator import ClickSendSimulator

    from .conftest import Api

PROLOG = "<?xml version='1.0' encoding='UTF-8' ?>"
METHODS = ("GET", "POST")


def top_level_error(code: str, text: str) -> str:
    """Render the error shape of all endpoints but history.php."""
    return (
        f"{PROLOG}\n<xml>\n    <result>{code}</result>\n"
        f"    <errortext>{text}</errortext>\n</xml>\n"
    )


def history_error(code: str, text: str) -> str:
    """Render history.php's error shape."""
    return (
        f"{PROLOG}\n<xml>\n    <history historycount='0'>\n"
        f"        <result>{code}</result>\n        <errortext>{text}</errortext>\n"
        "    </history>\n</xml>\n"
    )


def expected_error(endpoint: str, code: str, text: str) -> str:
    """Render the error shape of an endpoint."""
    if endpoint == "history.php":
        return history_error(code, text)
    return top_level_error(code, text)


@pytest.mark.parametrize("method", METHODS)
async def test_balance_shape(api: Api, method: str) -> None:
    """balance.php answers in the document's shape."""
    reply = await api.call("balance.php", method)
    assert reply.status == 200
    assert reply.content_type == "text/xml"
    assert reply.text == (
        f"{PROLOG}\n<xml>\n"
        "    <result>0000</result>\n"
        "    <errortext>Success</errortext>\n"
        "    <balance>25.00</balance>\n"
        "    <type>Prepay</type>\n"
        "    <currency_symbol>$</currency_symbol>\n"
        "</xml>\n"
    )


async def test_balance_two_decimals(api: Api, sim: ClickSendSimulator) -> None:
    """The balance has two decimals and the account's own names."""
    sim.set_balance("demo", 3.14159)
    assert (await api.call("balance.php")).find("balance") == "3.14"
    sim.add_account("eur", "k", balance=7, account_type="Postpay", currency_symbol="€")
    reply = await api.call("balance.php", username="eur", key="k")
    assert (reply.find("balance"), reply.find("type")) == ("7.00", "Postpay")
    assert reply.find("currency_symbol") == "€"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "credentials",
    [{}, {"username": "demo"}, {"key": DEMO_KEY}, {"username": "", "key": ""}],
)
async def test_missing_credentials(
    api: Api, endpoint: str, method: str, credentials: dict[str, str]
) -> None:
    """A missing username or key is 2006 on every endpoint."""
    reply = await api.call(endpoint, method, auth=False, **credentials)
    assert reply.status == 200
    assert reply.text == expected_error(endpoint, "2006", "Missing credentials")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("username", "key"),
    [("demo", "wrong"), ("nobody", DEMO_KEY), ("nocredit", DEMO_KEY)],
)
async def test_invalid_credentials(
    api: Api, endpoint: str, method: str, username: str, key: str
) -> None:
    """An unknown user or a wrong key is 2022 on every endpoint."""
    reply = await api.call(
        endpoint, method, username=username, key=key, to="+61411111111", message="x"
    )
    assert reply.text == expected_error(endpoint, "2022", "Invalid credentials")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("username", "text"),
    [("notactive", "Account not activated"), ("banned", "Account banned")],
)
async def test_test_accounts_not_in_good_standing(
    api: Api, endpoint: str, method: str, username: str, text: str
) -> None:
    """The notactive and banned accounts are 2007 on every endpoint."""
    reply = await api.call(
        endpoint,
        method,
        username=username,
        key=TEST_ACCOUNT_KEY,
        to="+61411111111",
        message="x",
    )
    assert reply.text == expected_error(endpoint, "2007", text)


async def test_added_inactive_account(api: Api, sim: ClickSendSimulator) -> None:
    """An account added inactive is 2007 too."""
    sim.add_account("sleepy", "k", active=False)
    reply = await api.call("balance.php", username="sleepy", key="k")
    assert reply.text == top_level_error("2007", "Account not activated")


async def test_nocredit_account_balance(api: Api) -> None:
    """The nocredit account may log in; it has nothing to spend."""
    reply = await api.call("balance.php", username="nocredit", key=TEST_ACCOUNT_KEY)
    assert reply.find("result") == "0000"
    assert reply.find("balance") == "0.00"


async def test_parameters_merge_query_and_form(
    api: Api, sim: ClickSendSimulator
) -> None:
    """Query and form are merged, the form winning, and all is logged."""
    url = f"{sim.base_url}balance.php"
    async with api.session.post(
        url,
        params={"username": "demo", "key": "query-key", "extra": "q"},
        data={"key": DEMO_KEY, "other": "f"},
    ) as response:
        text = await response.text()
    assert "<result>0000</result>" in text
    (recorded,) = sim.requests
    assert recorded.endpoint == "balance.php"
    assert recorded.method == "POST"
    assert recorded.query == {"username": "demo", "key": "query-key", "extra": "q"}
    assert recorded.form == {"key": DEMO_KEY, "other": "f"}
    assert recorded.params == {
        "username": "demo",
        "key": DEMO_KEY,
        "extra": "q",
        "other": "f",
    }


async def test_request_log_records_every_call(
    api: Api, sim: ClickSendSimulator, clock: object
) -> None:
    """Every call is logged with its method and parameters."""
    await api.call("balance.php")
    await api.call("reply.php", "POST")
    await api.call("history.php", auth=False)
    assert [(r.endpoint, r.method) for r in sim.requests] == [
        ("balance.php", "GET"),
        ("reply.php", "POST"),
        ("history.php", "GET"),
    ]
    assert sim.requests[0].form == {}
    assert sim.requests[1].query == {}
    assert sim.requests[1].form == {"username": "demo", "key": DEMO_KEY}
    assert sim.requests[2].params == {}
    assert sim.requests[0].time == 1_700_000_000.0


async def test_unknown_paths_are_404(api: Api, sim: ClickSendSimulator) -> None:
    """Paths outside the API are not found, and not logged."""
    for url in (f"{sim.base_url}nope.php", f"{sim.root_url}/http/v3/balance.php"):
        async with api.session.get(url) as response:
            assert response.status == 404
    assert sim.requests == []
