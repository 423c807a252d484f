# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""An async client for ClickSend's HTTP API v2."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import replace
import html
from http import HTTPStatus
import logging
import math
import re
import time
from typing import TYPE_CHECKING, Final
from urllib.parse import quote, quote_plus, urlencode
from xml.sax.saxutils import escape

import aiohttp

from .const import (
    CODE_ACCOUNT_NOT_ACTIVE,
    CODE_INVALID_CREDENTIALS,
    CODE_LOW_CREDIT,
    CODE_MISSING_CREDENTIALS,
    DEFAULT_BASE_URL,
    EXCERPT_LENGTH,
    INTERNAL_ERROR_CODES,
    MAX_RECIPIENTS_PER_REQUEST,
    MAX_RESPONSE_BYTES,
    PARSE_IN_THREAD_FROM,
)
from .exceptions import (
    ClickSendApiError,
    ClickSendConnectionError,
    ClickSendError,
    ClickSendResponseError,
    ClickSendTimeoutError,
    InsufficientCreditError,
    error_for_code,
)
from .models import (
    SUCCESS_CODE,
    Balance,
    DeliveryReceipt,
    Encoding,
    HistoryItem,
    InboundReply,
    RecipientResult,
    SendResult,
)
from .numbers import normalize_recipients, number_digits, validate_country
from .parser import (
    parse_balance,
    parse_delivery_receipts,
    parse_history,
    parse_replies,
    parse_send,
)
from .validation import (
    message_info,
    validate_base_url,
    validate_custom_string,
    validate_schedule,
    validate_sender_id,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import datetime

_LOGGER = logging.getLogger(__name__)

_HEADERS: Final = {
    "Accept": "application/xml, text/xml;q=0.9, */*;q=0.1",
    # The form is encoded here, as aiohttp would encode a dict of it, rather
    # than through aiohttp's FormData: the same bytes, for less work.
    "Content-Type": "application/x-www-form-urlencoded",
}
_READ_CHUNK: Final = 64 * 1024
# Enough of an unexpected body to find the words worth quoting.
_EXCERPT_SOURCE: Final = 4 * EXCERPT_LENGTH
_MIN_REDACTED_KEY: Final = 8
_REDACTED: Final = "***"
_CDATA_MARKS: Final = re.compile(r"<!\[CDATA\[|\]\]>")
# Codes that concern the account, not the recipient: when every recipient
# failed with one of these, the send failed.
_ACCOUNT_CODES: Final = frozenset(
    {
        CODE_MISSING_CREDENTIALS,
        CODE_ACCOUNT_NOT_ACTIVE,
        CODE_LOW_CREDIT,
        CODE_INVALID_CREDENTIALS,
        *(str(code) for code in INTERNAL_ERROR_CODES),
    }
)
NO_RESULT_TEXT: Final = "ClickSend gave no result for this recipient"


class _Secret:
    """Holds the key so that no repr or str of the client's parts shows it.

    The key is taken out of text twice: as it is written (raw, URL- or
    XML-encoded), and once the text is decoded, since a server may write it
    as character references ("&#48;A1B…") or split by an empty CDATA
    section, which XML parsing joins back. Text that leaves the client
    (errors, ClickSend's error texts, quoted answers, log lines) is redacted
    whatever the key's length: a subaccount password may be short.
    """

    __slots__ = ("body_forms", "credentials", "forms", "pattern", "value")

    def __init__(self, value: str, username: str) -> None:
        self.value = value
        # The fields that open every request's form, encoded once (as
        # urlencode would encode them in each).
        self.credentials = urlencode({"username": username, "key": value})
        # The key as it could appear in a body: raw, URL- or XML-encoded.
        forms = (
            {value, quote_plus(value), quote(value, safe=""), escape(value)}
            if value
            else set()
        )
        # Longest first, so no form is left half-replaced by a shorter one.
        self.forms = tuple(sorted(forms, key=len, reverse=True))
        # Text is redacted whatever its case: aiohttp lower-cases a
        # Content-Type, and percent-encoding may be written %2f or %2F.
        self.pattern = (
            re.compile("|".join(map(re.escape, self.forms)), re.IGNORECASE)
            if self.forms
            else None
        )
        # The body itself is redacted before parsing only for a long key: a
        # short one ("res") could be part of the XML's markup ("<result>").
        # What parsing makes of the body is redacted whatever the length.
        self.body_forms = (
            tuple(form.encode() for form in self.forms)
            if len(value) >= _MIN_REDACTED_KEY
            else ()
        )

    def redact(self, text: str) -> str:
        """Take every form of the key out of text, in any case."""
        if self.pattern is None:
            return text
        return self.pattern.sub(_REDACTED, text)

    def found(self, text: str) -> bool:
        """Whether text holds any form of the key, in any case."""
        return self.pattern is not None and self.pattern.search(text) is not None

    def redact_markup(self, text: str) -> str:
        """Redact text as written, then as an XML or HTML reader decodes it.

        When decoding reveals the key, the decoded text is returned,
        redacted: there is no mapping it back to the text as written.
        """
        text = self.redact(text)
        decoded = html.unescape(_CDATA_MARKS.sub("", text))
        redacted = self.redact(decoded)
        return redacted if redacted != decoded else text

    def __repr__(self) -> str:
        return _REDACTED


class ClickSendClient:
    """Talks to one ClickSend account over the HTTP API v2.

    Every request is a POST with a form body, so the key never appears in a
    URL (and so in no proxy log or aiohttp error).
    """

    __slots__ = (
        "_base_url",
        "_key",
        "_semaphore",
        "_session",
        "_timeout",
        "_username",
    )

    def __init__(
        self,
        session: aiohttp.ClientSession,
        username: str,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 30.0,
        max_concurrency: int = 4,
    ) -> None:
        """Use the caller's session; refuse a URL that would expose the key."""
        if not (math.isfinite(timeout) and timeout > 0):
            raise ValueError("timeout must be a positive number of seconds")
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._session = session
        self._username = username
        self._key = _Secret(api_key, username)
        self._base_url = validate_base_url(base_url)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        # Shared by every request of this client, not only one send's parts.
        self._semaphore = asyncio.Semaphore(max_concurrency)

    def __repr__(self) -> str:
        """Show who and where, never the key."""
        return (
            f"{type(self).__name__}(username={self._username!r}, "
            f"base_url={self._base_url!r})"
        )

    @property
    def username(self) -> str:
        """The account's API username."""
        return self._username

    @property
    def base_url(self) -> str:
        """The API URL, ending in "/"."""
        return self._base_url

    async def get_balance(self) -> Balance:
        """Return the account's credit; also the cheapest check of the key."""
        return await self._request("balance.php", {}, parse_balance)

    async def get_replies(self) -> tuple[InboundReply, ...]:
        """Return the replies waiting in the inbox (the "Poll" inbound rule)."""
        return await self._request("reply.php", {}, parse_replies)

    async def get_delivery_receipts(self) -> tuple[DeliveryReceipt, ...]:
        """Return the delivery reports waiting to be polled."""
        return await self._request("delivery.php", {}, parse_delivery_receipts)

    async def get_history(
        self, from_email: str | None = None
    ) -> tuple[HistoryItem, ...]:
        """Return the account's message history, or only one email's."""
        fields = {"from_email": from_email} if from_email else {}
        return await self._request("history.php", fields, parse_history)

    async def send_sms(
        self,
        recipients: Sequence[str],
        message: str,
        *,
        sender_id: str | None = None,
        sender_ids: Mapping[str, str | None] | None = None,
        schedule: datetime | None = None,
        country: str | None = None,
        custom_string: str | None = None,
    ) -> SendResult:
        """Send one message to every recipient; return one result for each.

        The input is checked, once, before anything is sent. sender_ids gives
        recipients (by their normalised number) a sender ID of their own;
        the others take sender_id. Each sender ID goes in requests of its own,
        of up to 1,000 recipients. The results follow the normalised
        recipients (repeats dropped) in order, whatever order ClickSend
        answers in. A recipient ClickSend refused is a result, not an error,
        unless every recipient failed for a reason of the account
        (credentials, credit, ClickSend's own failure): then that error is
        raised, as it is when no request went through (lack of credit first:
        it is the cause a user can act on). An empty optional string counts
        as none.
        """
        info = message_info(message)
        numbers = normalize_recipients(recipients, country)
        fields = {"message": message}
        if schedule is not None:
            fields["schedule"] = str(validate_schedule(schedule))
        if custom_string:
            fields["customstring"] = validate_custom_string(custom_string)
        if country:
            fields["country"] = validate_country(country)
        if info.encoding is Encoding.UNICODE:
            # Our choice: the HTTP v2 document lists no messagetype for
            # send.php, but ClickSend's other APIs take "Unicode" for text
            # outside GSM-7, and without it such text may arrive garbled.
            fields["messagetype"] = "Unicode"
        groups: dict[str | None, list[str]] = {}
        for number in numbers:
            sender = (sender_ids.get(number) if sender_ids else None) or sender_id
            groups.setdefault(sender or None, []).append(number)
        chunks: list[tuple[Sequence[str], Mapping[str, str]]] = []
        for sender, group in groups.items():
            group_fields = (
                fields
                if sender is None
                else {**fields, "senderid": validate_sender_id(sender)}
            )
            chunks += [
                (group[start : start + MAX_RECIPIENTS_PER_REQUEST], group_fields)
                for start in range(0, len(group), MAX_RECIPIENTS_PER_REQUEST)
            ]
        if len(chunks) == 1:
            # One request: no task of its own, and its results are already
            # in the order of the numbers (its error is the send's).
            results = await self._send_request(*chunks[0])
        else:
            results = _merge(numbers, chunks, await self._send_chunks(chunks))
        _raise_for_account_failure(results)
        sent = SendResult(results, info, len(chunks))
        if _LOGGER.isEnabledFor(logging.DEBUG):
            _LOGGER.debug(
                "send.php: %d of %d recipients accepted in %d requests",
                len(sent.accepted),
                len(results),
                len(chunks),
            )
        return sent

    async def _send_chunks(
        self, chunks: Sequence[tuple[Sequence[str], Mapping[str, str]]]
    ) -> list[tuple[RecipientResult, ...] | ClickSendError]:
        """Send the requests together, a task each."""
        tasks = [
            asyncio.ensure_future(self._send_chunk(chunk, fields))
            for chunk, fields in chunks
        ]
        try:
            return await asyncio.gather(*tasks)
        except BaseException:
            # Only a bug or a cancellation gets here (ClickSend's errors are
            # outcomes): stop the other parts and let it through unwrapped.
            for task in tasks:
                task.cancel()
            raise

    async def _send_chunk(
        self, chunk: Sequence[str], fields: Mapping[str, str]
    ) -> tuple[RecipientResult, ...] | ClickSendError:
        """Send one request of several; return its error rather than cancel the others."""
        try:
            return await self._send_request(chunk, fields)
        except ClickSendError as err:
            return err

    async def _send_request(
        self, chunk: Sequence[str], fields: Mapping[str, str]
    ) -> tuple[RecipientResult, ...]:
        """Send the message to one request's numbers; a result for each, in order."""
        results = await self._request(
            "send.php", {"to": ",".join(chunk), **fields}, parse_send
        )
        return _match(chunk, self._redact_results(results))

    def _redact_results(
        self, results: Sequence[RecipientResult]
    ) -> Sequence[RecipientResult]:
        """Take the key, decoded by the parser, out of every text field.

        One search of all the fields together finds whether any holds it:
        then, and only then, each result is rewritten.
        """
        if not self._key.found(
            "\n".join(
                [
                    f"{r.to}\n{r.message_id}\n{r.result_code}\n{r.error_text}\n{r.currency}"
                    for r in results
                ]
            )
        ):
            return results
        return [self._redact_result(result) for result in results]

    def _redact_result(self, result: RecipientResult) -> RecipientResult:
        message_id = result.message_id
        return replace(
            result,
            to=self._key.redact(result.to),
            message_id=None if message_id is None else self._key.redact(message_id),
            result_code=self._key.redact(result.result_code),
            error_text=self._key.redact(result.error_text),
            currency=self._key.redact(result.currency),
        )

    async def _request[T](
        self, endpoint: str, fields: Mapping[str, str], parse: Callable[[bytes], T]
    ) -> T:
        """POST the form, read a bounded body and parse it."""
        form = self._key.credentials
        if fields:
            form = f"{form}&{urlencode(fields)}"
        async with self._semaphore:
            started = time.monotonic()
            try:
                async with self._session.post(
                    self._base_url + endpoint,
                    data=form.encode(),
                    headers=_HEADERS,
                    timeout=self._timeout,
                    # A redirect would carry the form, key included, elsewhere.
                    allow_redirects=False,
                ) as response:
                    status = response.status
                    body = await _read_bounded(response)
            except TimeoutError as err:
                _log_failure(endpoint, started, err)
                raise ClickSendTimeoutError(
                    f"ClickSend did not answer {endpoint} within "
                    f"{self._timeout.total:g} s"
                ) from err
            except (aiohttp.ClientError, OSError) as err:
                _log_failure(endpoint, started, err)
                raise ClickSendConnectionError(
                    f"Could not reach ClickSend for {endpoint}: "
                    f"{self._redact(f'{type(err).__name__}: {err}')}"
                ) from err
        elapsed = (time.monotonic() - started) * 1000
        if body is None:
            _LOGGER.debug(
                "%s: HTTP %s in %.0f ms, too large", endpoint, status, elapsed
            )
            raise ClickSendResponseError(
                f"ClickSend's answer to {endpoint} is larger than "
                f"{MAX_RESPONSE_BYTES} bytes (HTTP {status}, "
                f"{self._content_type(response)})"
            )
        body = self._redact_body(body)
        if status != HTTPStatus.OK:
            _LOGGER.debug("%s: HTTP %s in %.0f ms", endpoint, status, elapsed)
            raise ClickSendResponseError(
                f"ClickSend answered {endpoint} with HTTP {status} "
                f"({self._content_type(response)}): {self._excerpt(body)}"
            )
        try:
            if len(body) > PARSE_IN_THREAD_FROM:
                # A backlog's megabytes would stop the event loop for seconds.
                result = await asyncio.get_running_loop().run_in_executor(
                    None, parse, body
                )
            else:
                result = parse(body)
        except ClickSendApiError as err:
            # ClickSend's code and text, decoded by the parser: redact them
            # again, before they are logged.
            code = self._key.redact(err.code)
            _LOGGER.debug(
                "%s: HTTP %s in %.0f ms, result %s", endpoint, status, elapsed, code
            )
            raise error_for_code(code, self._key.redact(err.error_text)) from None
        except ClickSendResponseError as err:
            _LOGGER.debug("%s: HTTP %s in %.0f ms, not XML", endpoint, status, elapsed)
            raise ClickSendResponseError(
                f"ClickSend's answer to {endpoint} is not the XML expected: "
                f"{self._key.redact(str(err))} "
                f"(HTTP {status}, {self._content_type(response)}): "
                f"{self._excerpt(body)}"
            ) from None
        if _LOGGER.isEnabledFor(logging.DEBUG):
            _LOGGER.debug(
                "%s: HTTP %s in %.0f ms, result %s",
                endpoint,
                status,
                elapsed,
                SUCCESS_CODE,
            )
        return result

    def _redact(self, text: str) -> str:
        """Take the key out of text ClickSend or aiohttp wrote."""
        return self._key.redact(text)

    def _content_type(self, response: aiohttp.ClientResponse) -> str:
        """Return the answer's content type for an error, redacted and short."""
        return self._redact(response.content_type)[:EXCERPT_LENGTH]

    def _redact_body(self, body: bytes) -> bytes:
        """Take the key out of an answer, should ClickSend ever echo it."""
        for form in self._key.body_forms:
            body = body.replace(form, _REDACTED.encode())
        return body

    def _excerpt(self, body: bytes) -> str:
        """Quote the start of a body, redacted, on one line and short."""
        text = self._key.redact_markup(
            " ".join(body[:_EXCERPT_SOURCE].decode("utf-8", errors="replace").split())
        )
        if not text:
            return "empty body"
        if len(text) > EXCERPT_LENGTH:
            text = f"{text[:EXCERPT_LENGTH]}…"
        return repr(text)


async def _read_bounded(response: aiohttp.ClientResponse) -> bytes | None:
    """Read the body; None as soon as it proves larger than the cap."""
    length = response.content_length
    if length is not None:
        # aiohttp reads no more than a declared length: one read is enough.
        return None if length > MAX_RESPONSE_BYTES else await response.read()
    body = bytearray()
    async for chunk in response.content.iter_chunked(_READ_CHUNK):
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            return None
    return bytes(body)


def _merge(
    numbers: Sequence[str],
    chunks: Sequence[tuple[Sequence[str], Mapping[str, str]]],
    outcomes: Sequence[tuple[RecipientResult, ...] | ClickSendError],
) -> tuple[RecipientResult, ...]:
    """Join the requests' results in the order of the numbers.

    A request that failed reports its recipients as failed, as long as
    another went out; when none did, its error is raised (lack of credit
    first: it is the cause a user can act on).
    """
    errors = [outcome for outcome in outcomes if isinstance(outcome, ClickSendError)]
    if len(errors) == len(outcomes):
        raise next(
            (err for err in errors if isinstance(err, InsufficientCreditError)),
            errors[0],
        )
    by_number: dict[str, RecipientResult] = {}
    for (chunk, _), outcome in zip(chunks, outcomes, strict=True):
        by_number.update(
            zip(
                chunk,
                failed_results(chunk, outcome)
                if isinstance(outcome, ClickSendError)
                else outcome,
                strict=True,
            )
        )
    return tuple(by_number[number] for number in numbers)


def _log_failure(endpoint: str, started: float, err: BaseException) -> None:
    _LOGGER.debug(
        "%s: failed after %.0f ms: %s",
        endpoint,
        (time.monotonic() - started) * 1000,
        type(err).__name__,
    )


def _match(
    chunk: Sequence[str], results: Sequence[RecipientResult]
) -> tuple[RecipientResult, ...]:
    """Give each recipient its result: by number, then by position.

    ClickSend answers in the order of "to" in the vendor's example, but may
    reorder or rewrite numbers (with or without "+"): match on the digits,
    hand what is left over in order, and report a recipient without a result
    as failed. Results for numbers never sent are dropped.
    """
    # What ClickSend's example shows, and so the usual answer: each number
    # as sent, in order. Matching would give each result its own place.
    if [result.to for result in results] == [*chunk]:
        return tuple(results)
    positions: dict[str, deque[int]] = {}
    for index, result in enumerate(results):
        positions.setdefault(number_digits(result.to), deque()).append(index)
    assigned: list[int | None] = []
    for number in chunk:
        queue = positions.get(number.removeprefix("+"))
        assigned.append(queue.popleft() if queue else None)
    used = {found for found in assigned if found is not None}
    spare = iter([index for index in range(len(results)) if index not in used])
    matched = []
    for number, found in zip(chunk, assigned, strict=True):
        position = found if found is not None else next(spare, None)
        if position is None:
            matched.append(_failed_result(number, "", NO_RESULT_TEXT))
        else:
            # Report the number as the caller knows it.
            result = results[position]
            matched.append(
                result if result.to == number else replace(result, to=number)
            )
    if extra := sum(1 for _ in spare):
        _LOGGER.debug("send.php: %d results for numbers not sent, dropped", extra)
    return tuple(matched)


def _failed_result(number: str, code: str, error_text: str) -> RecipientResult:
    return RecipientResult(
        to=number,
        message_id=None,
        result_code=code,
        error_text=error_text,
        price=0.0,
        currency="",
    )


def failed_results(
    chunk: Sequence[str], error: ClickSendError
) -> list[RecipientResult]:
    """Report each number of a request that failed as a whole, with its error."""
    if isinstance(error, ClickSendApiError):
        return [
            _failed_result(number, error.code, error.error_text) for number in chunk
        ]
    return [_failed_result(number, "", str(error)) for number in chunk]


def _raise_for_account_failure(results: Sequence[RecipientResult]) -> None:
    """Raise when every recipient failed with one code that is the account's."""
    codes = {result.result_code for result in results}
    if len(codes) == 1 and (code := codes.pop()) in _ACCOUNT_CODES:
        raise error_for_code(code, results[0].error_text)
