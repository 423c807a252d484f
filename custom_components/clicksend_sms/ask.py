"""The ask action: send a question by SMS and wait for the answer to it.

Pairing a reply with its question is what automations otherwise hand-build.
Each account keeps the asks that wait (AskRegistry, kept across reloads of
the entry, so that a changed option does not lose them); the inbox asks it,
before it fires an inbound SMS, whether the SMS answers one of them.

What ClickSend documents: a reply carries the replied-to message's ID in
originalmessageid. What is our guess: a reply without one (ClickSend leaves
it empty when it cannot tell, or a phone answers in a new thread) is taken
as an answer when it comes from the asked number after the question went
out, to the oldest ask of that number whose answers it matches.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import logging
import string
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .api import InboundReply, number_digits
from .const import DOMAIN
from .data import ClickSendConfigEntry
from .sending import SmsRequest, async_send_sms

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT: Final = timedelta(minutes=10)
MIN_TIMEOUT: Final = timedelta(seconds=10)
MAX_TIMEOUT: Final = timedelta(hours=24)
# How often replies are polled while an ask waits.
FAST_POLL_INTERVAL: Final = timedelta(seconds=5)

# The field of clicksend_sms_received naming the question an SMS answered.
ATTR_ANSWERS_ASK: Final = "answers_ask"

DATA_ASKS: HassKey[dict[str, AskRegistry]] = HassKey(f"{DOMAIN}_asks")


def first_word(text: str) -> str:
    """Return a reply's first word, without punctuation around it, casefolded.

    "Yes!", "yes." and " YES please" all answer YES.
    """
    words = text.split()
    if not words:
        return ""
    return words[0].strip(string.punctuation + "¡¿").casefold()


def validate_answers(answers: list[Any]) -> list[str]:
    """Accept one word per choice, each once; a reply is matched on its first word.

    YAML reads an unquoted YES or NO as true or false: which words were meant
    cannot be known, so the user is asked to quote them.
    """
    for answer in answers:
        if isinstance(answer, bool):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="answer_not_text",
                translation_placeholders={"answer": str(answer).lower()},
            )
    texts = [str(answer).strip() for answer in answers]
    cleaned = [answer for answer in texts if answer]
    keys = [first_word(answer) for answer in cleaned]
    for answer, key in zip(cleaned, keys, strict=True):
        if len(answer.split()) != 1 or not key:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_answer",
                translation_placeholders={"answer": answer},
            )
    if len(set(keys)) != len(keys):
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="duplicate_answers"
        )
    return cleaned


def validate_timeout(timeout: timedelta) -> timedelta:
    """Bound the wait: an ask holds its automation run until it ends."""
    if not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_timeout",
            translation_placeholders={
                "minimum": str(int(MIN_TIMEOUT.total_seconds())),
                "maximum": str(int(MAX_TIMEOUT.total_seconds())),
            },
        )
    return timeout


@dataclass(frozen=True, slots=True)
class Answer:
    """The reply that ended an ask."""

    answer: str
    message: str
    from_number: str


@dataclass(slots=True)
class PendingAsk:
    """A question sent and not yet answered."""

    message_id: str
    number: str
    answers: list[str]
    sent_at: datetime
    future: asyncio.Future[Answer | None]
    cancel_timeout: CALLBACK_TYPE = field(default=lambda: None, repr=False)

    def choice(self, text: str) -> str | None:
        """Return the answer this text gives; None when it gives none of them."""
        if not self.answers:
            return text.strip()
        word = first_word(text)
        return next(
            (answer for answer in self.answers if first_word(answer) == word), None
        )


class AskRegistry:
    """The asks of one account that wait for their answers."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Start with nothing waiting."""
        self.hass = hass
        self.entry_id = entry_id
        # Oldest first: a reply without an original message ID goes to the
        # oldest ask of its sender that it answers.
        self._pending: list[PendingAsk] = []
        self._fast_poll: Callable[[bool], None] = _not_polling

    @property
    def waiting(self) -> int:
        """How many asks wait, for diagnostics."""
        return len(self._pending)

    @property
    def questions(self) -> list[str]:
        """The message IDs of the questions that wait, oldest first."""
        return [ask.message_id for ask in self._pending]

    @callback
    def attach(self, fast_poll: Callable[[bool], None]) -> CALLBACK_TYPE:
        """Follow a loaded entry's inbox; return how to let go of it."""
        self._fast_poll = fast_poll
        if self._pending:
            fast_poll(True)

        @callback
        def detach() -> None:
            self._fast_poll = _not_polling

        return detach

    @callback
    def async_answer(self, reply: InboundReply) -> dict[str, Any]:
        """End the ask this reply answers; the event's extra field, if any.

        Called by the inbox for each new inbound SMS, before it fires.
        """
        ask = self._find(reply)
        if ask is None:
            return {}
        choice = ask.choice(reply.message)
        assert choice is not None
        self._end(ask, Answer(choice, reply.message, reply.from_number))
        return {ATTR_ANSWERS_ASK: ask.message_id}

    def _find(self, reply: InboundReply) -> PendingAsk | None:
        if reply.original_message_id:
            # ClickSend names the question: only that ask may take it.
            return next(
                (
                    ask
                    for ask in self._pending
                    if ask.message_id == reply.original_message_id
                    and ask.choice(reply.message) is not None
                ),
                None,
            )
        sender = number_digits(reply.from_number)
        return next(
            (
                ask
                for ask in self._pending
                if ask.number == sender and ask.choice(reply.message) is not None
            ),
            None,
        )

    def _end(self, ask: PendingAsk, outcome: Answer | Exception | None) -> None:
        """End an ask once, however it ends: answer, timeout, cancel, removal."""
        if ask not in self._pending:
            return
        self._pending.remove(ask)
        ask.cancel_timeout()
        # A cancelled caller's future is done already.
        if not ask.future.done():
            if isinstance(outcome, Exception):
                ask.future.set_exception(outcome)
            else:
                ask.future.set_result(outcome)
        if not self._pending:
            self._fast_poll(False)

    @callback
    def async_cancel_all(self) -> None:
        """Fail every waiting ask: the account is gone."""
        for ask in list(self._pending):
            self._end(
                ask,
                HomeAssistantError(
                    translation_domain=DOMAIN, translation_key="ask_cancelled"
                ),
            )

    async def async_ask(
        self,
        entry: ClickSendConfigEntry,
        to: str,
        message: str,
        timeout: timedelta,
        answers: list[str],
    ) -> dict[str, Any]:
        """Send the question, wait for its answer or the timeout; the response."""
        sent = await async_send_sms(
            self.hass, entry, SmsRequest(to=[to], message=message)
        )
        result = sent["messages"][0]
        message_id: str = result["message_id"]
        sent_at = dt_util.utcnow()
        ask = PendingAsk(
            message_id=message_id,
            number=number_digits(result["to"]),
            answers=answers,
            sent_at=sent_at,
            future=self.hass.loop.create_future(),
        )

        @callback
        def _timed_out(_: datetime) -> None:
            self._end(ask, None)

        ask.cancel_timeout = async_call_later(self.hass, timeout, _timed_out)
        self._pending.append(ask)
        self._fast_poll(True)
        _LOGGER.debug("Waiting up to %s for the answer to %s", timeout, message_id)
        try:
            answer = await ask.future
        finally:
            # When the action's caller gave up (its automation stopped).
            self._end(ask, None)
        waited = round((dt_util.utcnow() - sent_at).total_seconds(), 1)
        if answer is None:
            return {
                "answered": False,
                "answer": None,
                "message": None,
                "from": None,
                "message_id": message_id,
                "waited": waited,
            }
        return {
            "answered": True,
            "answer": answer.answer,
            "message": answer.message,
            "from": answer.from_number,
            "message_id": message_id,
            "waited": waited,
        }


def _not_polling(faster: bool) -> None:
    """Poll nothing faster: no inbox is loaded."""


@callback
def async_get_asks(hass: HomeAssistant, entry_id: str) -> AskRegistry:
    """Return the account's asks, kept while the entry reloads."""
    registries = hass.data.setdefault(DATA_ASKS, {})
    if (registry := registries.get(entry_id)) is None:
        registry = registries[entry_id] = AskRegistry(hass, entry_id)
    return registry


@callback
def async_remove_asks(hass: HomeAssistant, entry_id: str) -> None:
    """Fail the waiting asks of a removed account."""
    if (registry := hass.data.get(DATA_ASKS, {}).pop(entry_id, None)) is not None:
        registry.async_cancel_all()
