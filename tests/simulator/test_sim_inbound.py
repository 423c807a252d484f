# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""reply.php, delivery.php and history.php: modes, shapes, escaping."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from clicksend_simulator import DEMO_KEY, TEST_ACCOUNT_KEY

if TYPE_CHECKING:
    from clicksend_simulator import ClickSendSimulator, ManualClock

    from .conftest import Api

PROLOG = "<?xml version='1.0' encoding='UTF-8' ?>"


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_empty_lists_are_valid(api: Api, method: str) -> None:
    """Empty lists are valid XML with a count of 0."""
    reply = await api.call("reply.php", method)
    assert reply.text == (
        f"{PROLOG}\n<xml>\n    <replies replycount='0'></replies>\n"
        "    <result>0000</result>\n    <errortext>Success</errortext>\n</xml>\n"
    )
    assert reply.root.find("replies").attrib == {"replycount": "0"}
    reply = await api.call("delivery.php", method)
    assert reply.text == (
        f"{PROLOG}\n<xml>\n    <dlrs dlrcount='0'></dlrs>\n"
        "    <result>0000</result>\n    <errortext>Success</errortext>\n</xml>\n"
    )
    reply = await api.call("history.php", method)
    assert reply.text == (
        f"{PROLOG}\n<xml>\n    <history historycount='0'>\n"
        "        <result>0000</result>\n        <errortext>Success</errortext>\n"
        "    </history>\n</xml>\n"
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_reply_shape(api: Api, sim: ClickSendSimulator, method: str) -> None:
    """reply.php answers in the document's shape."""
    sim.inject_reply(
        "demo",
        from_number="+61411111111",
        message="This is a reply",
        original_message="Hello. Please reply",
        original_message_id="D9F15F83-34EC-6A31-A57E-7E8FB0966D78",
        original_sender_id="+61400000000",
    )
    sim.inject_reply("demo", from_number="+61422222222", message="Another")
    reply = await api.call("reply.php", method)
    assert reply.text == (
        f"{PROLOG}\n<xml>\n"
        "    <replies replycount='2'>\n"
        "        <reply>\n"
        "            <from>+61411111111</from>\n"
        "            <message>This is a reply</message>\n"
        "            <originalmessage>Hello. Please reply</originalmessage>\n"
        "            <originalmessageid>D9F15F83-34EC-6A31-A57E-7E8FB0966D78"
        "</originalmessageid>\n"
        "            <originalsenderid>+61400000000</originalsenderid>\n"
        "            <customstring></customstring>\n"
        "            <username>demo</username>\n"
        "        </reply>\n"
        "        <reply>\n"
        "            <from>+61422222222</from>\n"
        "            <message>Another</message>\n"
        "            <originalmessage></originalmessage>\n"
        "            <originalmessageid></originalmessageid>\n"
        "            <originalsenderid></originalsenderid>\n"
        "            <customstring></customstring>\n"
        "            <username>demo</username>\n"
        "        </reply>\n"
        "    </replies>\n"
        "    <result>0000</result>\n"
        "    <errortext>Success</errortext>\n"
        "</xml>\n"
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_delivery_shape(api: Api, sim: ClickSendSimulator, method: str) -> None:
    """delivery.php answers in the document's shape."""
    sim.inject_receipt("demo", message_id="ABC", custom_string="ref")
    sim.inject_receipt("demo", message_id="DEF", status="Undelivered", status_code=301)
    reply = await api.call("delivery.php", method)
    assert reply.text == (
        f"{PROLOG}\n<xml>\n"
        "    <dlrs dlrcount='2'>\n"
        "        <dlr>\n"
        "            <messageid>ABC</messageid>\n"
        "            <status>Delivered</status>\n"
        "            <status_code>201</status_code>\n"
        "            <customstring>ref</customstring>\n"
        "            <username>demo</username>\n"
        "        </dlr>\n"
        "        <dlr>\n"
        "            <messageid>DEF</messageid>\n"
        "            <status>Undelivered</status>\n"
        "            <status_code>301</status_code>\n"
        "            <customstring></customstring>\n"
        "            <username>demo</username>\n"
        "        </dlr>\n"
        "    </dlrs>\n"
        "    <result>0000</result>\n"
        "    <errortext>Success</errortext>\n"
        "</xml>\n"
    )


async def test_queue_mode_hands_out_each_item_once(
    api: Api, sim: ClickSendSimulator
) -> None:
    """In queue mode each item is returned once."""
    assert sim.mode == "queue"
    sim.inject_reply("demo", from_number="+61400000001", message="one")
    sim.inject_receipt("demo", message_id="M1")
    assert [r["message"] for r in (await api.call("reply.php")).items("*/reply")] == [
        "one"
    ]
    assert (await api.call("reply.php")).items("*/reply") == []
    sim.inject_reply("demo", from_number="+61400000001", message="two")
    sim.inject_reply("demo", from_number="+61400000001", message="three")
    replies = (await api.call("reply.php", "POST")).items("*/reply")
    assert [r["message"] for r in replies] == ["two", "three"]
    assert [
        d["messageid"] for d in (await api.call("delivery.php")).items("*/dlr")
    ] == ["M1"]
    assert (await api.call("delivery.php")).items("*/dlr") == []


async def test_inbox_mode_returns_everything_every_time(
    api: Api, sim: ClickSendSimulator
) -> None:
    """In inbox mode every poll returns everything, oldest first."""
    sim.inject_reply("demo", from_number="+61400000001", message="one")
    sim.inject_receipt("demo", message_id="M1")
    await api.call("reply.php")  # consumed in queue mode...
    sim.set_mode("inbox")
    sim.inject_reply("demo", from_number="+61400000001", message="two")
    sim.inject_receipt("demo", message_id="M2")
    for _ in range(2):
        replies = (await api.call("reply.php")).items("*/reply")
        assert [r["message"] for r in replies] == ["one", "two"]
        dlrs = (await api.call("delivery.php")).items("*/dlr")
        assert [d["messageid"] for d in dlrs] == ["M1", "M2"]
    reply = await api.call("reply.php")
    assert reply.root.find("replies").attrib == {"replycount": "2"}
    with pytest.raises(ValueError, match="Unknown mode"):
        sim.set_mode("stack")  # type: ignore[arg-type]


async def test_items_belong_to_their_account(api: Api, sim: ClickSendSimulator) -> None:
    """Each account sees only its own replies and receipts."""
    sim.add_account("other", "k")
    sim.inject_reply("other", from_number="+61400000001", message="theirs")
    sim.inject_receipt("other", message_id="M9")
    assert (await api.call("reply.php")).items("*/reply") == []
    assert (await api.call("delivery.php")).items("*/dlr") == []
    replies = (await api.call("reply.php", username="other", key="k")).items("*/reply")
    assert [(r["message"], r["username"]) for r in replies] == [("theirs", "other")]
    assert (
        await api.call("reply.php", username="nocredit", key=TEST_ACCOUNT_KEY)
    ).items("*/reply") == []


async def test_reply_and_receipt_filled_from_sent_message(
    api: Api, sim: ClickSendSimulator
) -> None:
    """Injected items know the message they answer."""
    await api.send(
        to="+61400000001", message="Reply?", senderid="+61499999999", customstring="c1"
    )
    (sent,) = sim.sent
    reply_item = sim.inject_reply(
        "demo",
        from_number="+61400000001",
        message="Yes",
        original_message_id=sent.message_id,
    )
    assert (reply_item.original_message, reply_item.original_sender_id) == (
        "Reply?",
        "+61499999999",
    )
    assert reply_item.custom_string == "c1"
    receipt = sim.inject_receipt("demo", message_id=sent.message_id, status="Queued")
    assert receipt.custom_string == "c1"
    with pytest.raises(KeyError, match="nobody"):
        sim.inject_reply("nobody", from_number="+61400000001", message="x")
    with pytest.raises(KeyError, match="nobody"):
        sim.inject_receipt("nobody", message_id="x")


async def test_history_both_directions(
    api: Api, sim: ClickSendSimulator, clock: ManualClock
) -> None:
    """history.php lists sent and received messages, oldest first."""
    await api.send(
        to="+61411111111",
        message="This is a test message",
        senderid="MyCompany",
        customstring="our-ref-1234",
    )
    clock.advance(11)
    sim.inject_reply(
        "demo",
        from_number="+61411111111",
        message="This is a test message reply",
        original_sender_id="+61422222222",
        custom_string="our-ref-1234",
    )
    clock.advance(5)
    await api.send(to="+61400000001", message="Later", schedule="1800000000")
    (first, second) = sim.sent
    (inbound,) = sim.replies
    reply = await api.call("history.php")
    assert reply.root.find("history").attrib == {"historycount": "3"}
    assert reply.items("history/item") == [
        {
            "messageid": first.message_id,
            "direction": "out",
            "date": "1700000000",
            "to": "+61411111111",
            "message": "This is a test message",
            "status": "Sent",
            "senderid": "MyCompany",
            "schedule": "1700000000",
            "customstring": "our-ref-1234",
            "from_email": "",
        },
        {
            "messageid": inbound.message_id,
            "direction": "in",
            "date": "1700000011",
            "to": "+61422222222",
            "message": "This is a test message reply",
            "status": "Received",
            "senderid": "+61411111111",
            "schedule": "",
            "customstring": "our-ref-1234",
            "from_email": "",
        },
        {
            "messageid": second.message_id,
            "direction": "out",
            "date": "1700000016",
            "to": "+61400000001",
            "message": "Later",
            "status": "Sent",
            "senderid": "",
            "schedule": "1800000000",
            "customstring": "",
            "from_email": "",
        },
    ]
    # result and errortext sit inside <history>, after the items.
    history = reply.root.find("history")
    assert [child.tag for child in history][-2:] == ["result", "errortext"]
    assert reply.root.find("result") is None
    assert reply.find("history/result") == "0000"
    # Polling replies does not remove them from the history.
    await api.call("reply.php")
    assert len((await api.call("history.php")).items("history/item")) == 3


async def test_history_from_email_filter_and_accounts(
    api: Api, sim: ClickSendSimulator
) -> None:
    """from_email filters the history; accounts see their own."""
    await api.send(to="+61400000001", message="Hi")
    reply = await api.call("history.php", "POST", from_email="someone@example.com")
    assert reply.root.find("history").attrib == {"historycount": "0"}
    assert reply.find("history/result") == "0000"
    reply = await api.call("history.php", from_email="")
    assert len(reply.items("history/item")) == 1
    sim.add_account("other", "k")
    reply = await api.call("history.php", username="other", key="k")
    assert reply.items("history/item") == []


async def test_xml_escaping(api: Api, sim: ClickSendSimulator) -> None:
    """Markup in messages is escaped and comes back intact."""
    tricky = "Tom & Jerry <b>\"bold\"</b> 'quoted' ]]> \r\nline2"
    reply = await api.send(
        to="+61400000001", message=tricky, customstring="a&b<c>", senderid="AB"
    )
    assert reply.messages()[0]["result"] == "0000"
    sim.inject_reply(
        "demo", from_number="+61400000001", message="<&>", custom_string="&"
    )
    history = await api.call("history.php")
    assert "Tom &amp; Jerry &lt;b&gt;" in history.text
    assert "<customstring>a&amp;b&lt;c&gt;</customstring>" in history.text
    out, inbound = history.items("history/item")
    assert (out["message"], out["customstring"], out["senderid"]) == (
        tricky,
        "a&b<c>",
        "AB",
    )
    assert (inbound["message"], inbound["customstring"]) == ("<&>", "&")
    replies = await api.call("reply.php")
    assert "<message>&lt;&amp;&gt;</message>" in replies.text
    assert replies.items("*/reply")[0]["message"] == "<&>"
    dlrs = await api.call("delivery.php")
    assert dlrs.items("*/dlr")[0]["customstring"] == "a&b<c>"


async def test_characters_xml_cannot_carry_are_dropped(
    api: Api, sim: ClickSendSimulator
) -> None:
    """Control characters are dropped to keep the XML valid."""
    sim.inject_reply("demo", from_number="+61400000001", message="bell\x07 null\x00")
    replies = await api.call("reply.php", key=DEMO_KEY)
    assert replies.items("*/reply")[0]["message"] == "bell null"
