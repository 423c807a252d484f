"""Talk to Assist by SMS: a saved recipient's text goes to a conversation agent.

Only recipients whose option allows it are answered, each at most a bounded
number of times an hour, and never our own sender IDs: an SMS costs money,
an answer reveals the home, and two automatic systems could text each other
for ever. Every refusal is logged at debug and counted for diagnostics.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
import logging
from typing import Any, Final

from homeassistant.components import conversation
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .api import ClickSendInputError, message_info, number_digits
from .ask import ATTR_ANSWERS_ASK
from .const import (
    CONF_ASSIST_AGENT,
    CONF_ASSIST_ALLOWED,
    CONF_ASSIST_MAX_PARTS,
    CONF_ASSIST_MAX_PER_HOUR,
    CONF_PHONE_NUMBER,
    CONF_SENDER_ID,
    DEFAULT_ASSIST_MAX_PARTS,
    DEFAULT_ASSIST_MAX_PER_HOUR,
    EVENT_RECEIVED,
    SUBENTRY_TYPE_RECIPIENT,
)
from .data import ClickSendConfigEntry
from .sending import SmsRequest, async_send

_LOGGER = logging.getLogger(__name__)

# The custom string of every Assist answer: its replies and delivery reports
# say they belong to a conversation with Assist.
ASSIST_CUSTOM_STRING: Final = "clicksend_sms_assist"
# A follow-up within this time continues the conversation (Home Assistant
# keeps a chat session as long).
CONVERSATION_TIMEOUT: Final = timedelta(minutes=5)
RATE_WINDOW: Final = timedelta(hours=1)
# Marks an answer cut to the allowed parts; plain ASCII keeps it in GSM-7.
CUT_MARK: Final = "..."


def cut_to_parts(text: str, max_parts: int) -> str:
    """Cut text so that it takes at most max_parts SMS parts, marking the cut."""
    text = text.strip()
    if message_info(text).parts <= max_parts:
        return text
    # The longest prefix that fits with the mark (parts grow with length).
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if message_info(text[:middle].rstrip() + CUT_MARK).parts <= max_parts:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + CUT_MARK


@dataclass(frozen=True, slots=True)
class AssistRecipient:
    """A saved recipient allowed to talk to Assist, and their bounds."""

    name: str
    number: str
    agent_id: str
    max_parts: int
    max_per_hour: int


@dataclass
class AssistStats:
    """What Assist by SMS did, for diagnostics."""

    answered: int = 0
    refused_not_allowed: int = 0
    refused_rate_limited: int = 0
    refused_own_number: int = 0
    failed: int = 0


def allowed_recipients(entry: ClickSendConfigEntry) -> dict[str, AssistRecipient]:
    """Return the recipients allowed to talk to Assist, by their number's digits."""
    allowed: dict[str, AssistRecipient] = {}
    for subentry in entry.subentries.values():
        data = subentry.data
        if subentry.subentry_type != SUBENTRY_TYPE_RECIPIENT or not data.get(
            CONF_ASSIST_ALLOWED
        ):
            continue
        allowed[number_digits(data[CONF_PHONE_NUMBER])] = AssistRecipient(
            name=subentry.title,
            number=data[CONF_PHONE_NUMBER],
            agent_id=data.get(CONF_ASSIST_AGENT) or conversation.HOME_ASSISTANT_AGENT,
            max_parts=int(data.get(CONF_ASSIST_MAX_PARTS, DEFAULT_ASSIST_MAX_PARTS)),
            max_per_hour=int(
                data.get(CONF_ASSIST_MAX_PER_HOUR, DEFAULT_ASSIST_MAX_PER_HOUR)
            ),
        )
    return allowed


def own_senders(entry: ClickSendConfigEntry) -> set[str]:
    """Return the account's sender IDs: texts from them are our own.

    A number is kept as its digits, a name casefolded, as sender_key reads
    the sender of an inbound SMS.
    """
    senders = [entry.options.get(CONF_SENDER_ID)] + [
        subentry.data.get(CONF_SENDER_ID) for subentry in entry.subentries.values()
    ]
    return {sender_key(sender) for sender in senders if sender}


def sender_key(sender: str) -> str:
    """Read a sender as own_senders keeps them: digits of a number, else casefolded."""
    text = sender.strip()
    if text.lstrip("+").isdigit():
        return number_digits(text)
    return text.casefold()


class AssistBySms:
    """Answers the allowed recipients' SMS with a conversation agent's speech."""

    def __init__(self, hass: HomeAssistant, entry: ClickSendConfigEntry) -> None:
        """Read who may talk to Assist from the entry's recipients."""
        self.hass = hass
        self.entry = entry
        self.allowed = allowed_recipients(entry)
        self.own = own_senders(entry)
        self.stats = AssistStats()
        self._conversations: dict[str, tuple[str, datetime]] = {}
        self._answers: dict[str, deque[datetime]] = {}

    async def async_start(self) -> None:
        """Listen to the account's inbound SMS, if anyone may talk to Assist."""
        if not self.allowed:
            return
        if not await async_setup_component(self.hass, conversation.DOMAIN, {}):
            _LOGGER.warning(
                "Assist by SMS is off: the conversation integration did not set up"
            )
            return
        entry_id = self.entry.entry_id

        @callback
        def _of_this_account(data: Mapping[str, Any]) -> bool:
            return bool(data["config_entry_id"] == entry_id)

        self.entry.async_on_unload(
            self.hass.bus.async_listen(
                EVENT_RECEIVED, self._async_received, event_filter=_of_this_account
            )
        )

    @callback
    def _async_received(self, event: Event[dict[str, Any]]) -> None:
        data = event.data
        # An answer to a question the home asked is no command.
        if ATTR_ANSWERS_ASK in data:
            return
        sender = number_digits(data["from"])
        if sender_key(data["from"]) in self.own:
            self.stats.refused_own_number += 1
            _LOGGER.debug("Not answering an SMS from our own sender ID")
            return
        if (recipient := self.allowed.get(sender)) is None:
            self.stats.refused_not_allowed += 1
            _LOGGER.debug(
                "Not answering an SMS from a number that may not talk to Assist"
            )
            return
        now = dt_util.utcnow()
        answers = self._answers.setdefault(sender, deque())
        while answers and answers[0] <= now - RATE_WINDOW:
            answers.popleft()
        if len(answers) >= recipient.max_per_hour:
            self.stats.refused_rate_limited += 1
            _LOGGER.debug(
                "Not answering %s: %s Assist answers in the last hour already",
                recipient.name,
                len(answers),
            )
            return
        answers.append(now)
        self.entry.async_create_background_task(
            self.hass,
            self._async_answer(recipient, data["message"], now),
            f"clicksend_sms assist {recipient.name}",
        )

    async def _async_answer(
        self, recipient: AssistRecipient, text: str, now: datetime
    ) -> None:
        sender = number_digits(recipient.number)
        conversation_id: str | None = None
        if (known := self._conversations.get(sender)) is not None and (
            known[1] > now - CONVERSATION_TIMEOUT
        ):
            conversation_id = known[0]
        try:
            result = await conversation.async_converse(
                self.hass,
                text,
                conversation_id,
                Context(),
                agent_id=recipient.agent_id,
            )
        except (HomeAssistantError, ValueError) as err:
            # ValueError: the chosen agent is gone. An agent's own failure
            # comes back as an error response, whose speech is texted back.
            self.stats.failed += 1
            _LOGGER.warning("Assist could not answer %s's SMS: %s", recipient.name, err)
            return
        if result.conversation_id is not None:
            self._conversations[sender] = (result.conversation_id, now)
        speech = str(result.response.speech.get("plain", {}).get("speech", ""))
        try:
            answer = cut_to_parts(speech, recipient.max_parts)
        except ClickSendInputError:
            # The agent said nothing.
            answer = "OK"
        try:
            await async_send(
                self.hass,
                self.entry,
                SmsRequest(
                    to=[recipient.number],
                    message=answer,
                    custom_string=ASSIST_CUSTOM_STRING,
                ),
            )
        except HomeAssistantError as err:
            self.stats.failed += 1
            _LOGGER.warning(
                "Could not text Assist's answer to %s: %s", recipient.name, err
            )
            return
        self.stats.answered += 1

    def diagnostics(self) -> dict[str, Any]:
        """Count answers and refusals; name who is allowed, without numbers."""
        return {
            "allowed_recipients": sorted(r.name for r in self.allowed.values()),
            **asdict(self.stats),
        }
