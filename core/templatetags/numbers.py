"""`{{ value|number }}` and `{{ value|number:2 }}`: core.numbers.number in a template (the
language's decimal mark and thousands grouping; floatformat alone does not group)."""

from django import template

from core.numbers import number as _number

register = template.Library()


@register.filter
def number(value, decimals=None):
    if decimals in (None, ""):
        return _number(value)
    try:
        places = int(decimals)
    except (TypeError, ValueError):
        return _number(value)
    return _number(value, places)
