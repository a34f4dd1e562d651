"""Numbers as people read them in the active language: Bahasa Indonesia writes a score 63,345
and a thousand 1.234, English 63.345 and 1,234. The one helper for every visible number that is
not written by the template engine itself (messages, charts, PDFs, the visible text of exports),
so that a page never mixes the two styles; templates use `{% load numbers %}` and `|number`."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format


def number(value, decimals: int | None = None) -> str:
    """`value` in the active language, thousands grouped; `decimals`: rounded half up to that
    many places (None: as many as the value has). None and text that is not a number are
    returned as they are (an empty string for None)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if decimals is not None:
        try:
            exact = value if isinstance(value, Decimal) else Decimal(str(value))
            value = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        except (InvalidOperation, ValueError, TypeError):
            return str(value)
    elif isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return value
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
