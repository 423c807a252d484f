"""Constants of the ClickSend SMS integration: names that automations rely on."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

DOMAIN: Final = "clicksend_sms"

# Config entry data.
CONF_API_KEY: Final = "api_key"
CONF_URL: Final = "url"
CONF_USERNAME: Final = "username"
CONF_WEBHOOK_ID: Final = "webhook_id"

# Options.
CONF_SENDER_ID: Final = "sender_id"
CONF_COUNTRY: Final = "country"
CONF_POLL_INTERVAL: Final = "poll_interval"
CONF_POLL_REPLIES: Final = "poll_replies"
CONF_POLL_DELIVERY_REPORTS: Final = "poll_delivery_reports"
CONF_LOW_BALANCE_THRESHOLD: Final = "low_balance_threshold"

DEFAULT_POLL_INTERVAL: Final = 60
MIN_POLL_INTERVAL: Final = 15
MAX_POLL_INTERVAL: Final = 86400
DEFAULT_LOW_BALANCE_THRESHOLD: Final = 1.0

# Recipients (config subentries).
SUBENTRY_TYPE_RECIPIENT: Final = "recipient"
CONF_NAME: Final = "name"
CONF_PHONE_NUMBER: Final = "phone_number"
# A recipient's Assist by SMS options (assist.py).
CONF_ASSIST: Final = "assist"
CONF_ASSIST_ALLOWED: Final = "assist_allowed"
CONF_ASSIST_AGENT: Final = "assist_agent"
CONF_ASSIST_MAX_PARTS: Final = "assist_max_parts"
CONF_ASSIST_MAX_PER_HOUR: Final = "assist_max_per_hour"
DEFAULT_ASSIST_MAX_PARTS: Final = 2
MAX_ASSIST_MAX_PARTS: Final = 6
DEFAULT_ASSIST_MAX_PER_HOUR: Final = 10
MAX_ASSIST_MAX_PER_HOUR: Final = 100

# Bus events, fired by the inbox (inbox.py) for each new item.
EVENT_RECEIVED: Final = "clicksend_sms_received"
EVENT_DELIVERY_REPORT: Final = "clicksend_sms_delivery_report"


def signal_received(entry_id: str) -> str:
    """Dispatcher signal of an account's inbound SMS, for its event entity."""
    return f"{DOMAIN}_{entry_id}_received"


def signal_delivery_report(entry_id: str) -> str:
    """Dispatcher signal of an account's delivery reports, for its event entity."""
    return f"{DOMAIN}_{entry_id}_delivery_report"


BALANCE_UPDATE_INTERVAL: Final = timedelta(minutes=15)

# Repairs.
ISSUE_LOW_CREDIT: Final = "low_credit"

# Where users manage the account.
DASHBOARD_URL: Final = "https://dashboard.clicksend.com/"

# The key of the entry in the legacy notify platform's discovery info.
CONF_ENTRY = "entry"
