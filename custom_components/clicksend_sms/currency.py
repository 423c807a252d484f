"""The account's currency as an ISO 4217 code, from ClickSend's symbol."""

from __future__ import annotations

# ClickSend's balance.php names only a symbol. Symbols used by one currency
# map to its ISO code; "$" (and anything else) is resolved in currency_unit().
_UNAMBIGUOUS_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "₱": "PHP",
    "₩": "KRW",
    "R$": "BRL",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "C$": "CAD",
    "CA$": "CAD",
    "S$": "SGD",
    "HK$": "HKD",
    "US$": "USD",
}
_DOLLAR_CURRENCIES = frozenset(
    {"USD", "AUD", "NZD", "CAD", "SGD", "HKD", "FJD", "TWD", "MXN", "JMD", "TTD"}
)


def currency_unit(symbol: str, home_currency: str) -> str:
    """Choose an ISO 4217 code for ClickSend's currency symbol.

    "$" is the symbol of many currencies: when Home Assistant's own currency is
    one of them it is taken (an Australian account is billed in AUD), otherwise
    USD, ClickSend's default. An unknown symbol falls back to the home currency.
    """
    symbol = symbol.strip()
    if code := _UNAMBIGUOUS_SYMBOLS.get(symbol):
        return code
    if symbol == "$":
        return home_currency if home_currency in _DOLLAR_CURRENCIES else "USD"
    if len(symbol) == 3 and symbol.isalpha():
        return symbol.upper()
    return home_currency
