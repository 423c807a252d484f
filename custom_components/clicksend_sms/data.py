"""What a loaded entry holds, and the entry's type (as core's peblar has it).

A module of its own, importing none of ours at run time, so that every
module can name the entry's type without importing another's job; what it
names takes a plain ConfigEntry, so that no import runs in a circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .api import ClickSendClient
    from .coordinator import AccountCoordinator
    from .inbox import InboxCoordinator

type ClickSendConfigEntry = ConfigEntry[ClickSendRuntimeData]


@dataclass
class ClickSendRuntimeData:
    """What a loaded entry holds."""

    client: ClickSendClient
    account: AccountCoordinator
    inbox: InboxCoordinator
    # AssistBySms.diagnostics (assist.py sends, so it needs this module).
    assist_diagnostics: Callable[[], dict[str, Any]]
