"""Amounts and currencies: ISO 4217 codes (CLDR's list, through Babel) and Decimal amounts with
no more places than the currency has minor units (EUR 2, JPY 0, BHD 3). Never float."""

from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision, list_currencies
from django.core.exceptions import ValidationError

# Stored with three places: the most any ISO 4217 currency in use has (BHD, KWD, OMR...).
MAX_PLACES = 3
MAX_DIGITS = 14
# XXX ("no currency") and XTS ("testing") are codes, but no money.
NOT_MONEY = frozenset({"XXX", "XTS"})
CURRENCIES = frozenset(list_currencies()) - NOT_MONEY


def validate_currency(code: str) -> None:
    if code not in CURRENCIES:
        raise ValidationError(f"'{code}' is not an ISO 4217 currency code (e.g. EUR, USD, GBP).")


def places(currency: str) -> int:
    return min(get_currency_precision(currency), MAX_PLACES)


def check_amount(amount: Decimal, currency: str) -> Decimal:
    """The amount as the currency writes it; a negative amount, or one with more places than
    the currency has, is refused (a ValidationError), never rounded away."""
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValidationError('A decimal amount is required, e.g. "12.50".') from error
    if not amount.is_finite():
        raise ValidationError("A finite decimal amount is required.")
    if amount < 0:
        raise ValidationError("The amount cannot be negative.")
    digits = places(currency)
    quantum = Decimal(1).scaleb(-digits)
    if amount != amount.quantize(quantum, rounding="ROUND_DOWN"):
        raise ValidationError(f"{currency} amounts have at most {digits} decimal places.")
    if amount >= Decimal(10) ** (MAX_DIGITS - MAX_PLACES):
        raise ValidationError("The amount is too large.")
    return amount.quantize(quantum)


def display(amount: Decimal | None, currency: str) -> str:
    """The amount as the currency writes it, as a string (what the API and CSV carry)."""
    if amount is None:
        return ""
    return str(Decimal(amount).quantize(Decimal(1).scaleb(-places(currency))))
