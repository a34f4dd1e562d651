"""User text that cannot spoof the page around it.

The Unicode bidirectional *embedding, override and isolate* controls (U+202A-U+202E,
U+2066-U+2069) change the order in which the text after them is displayed: a forum title
ending in U+202E (RIGHT-TO-LEFT OVERRIDE) shows the rest of its line reversed, so a post can
make a link or a name appear to say something else ("Trojan Source", CVE-2021-42574). Nobody
types them by hand, and Indonesian and the portal's other languages never need them: every text
field of the portal's own models is saved without them (`strip_bidi_controls`, connected to
pre_save in core.apps for the models of the project's apps, whatever form, import or service
wrote them). The marks (LRM, RLM, ALM) stay: they order one neutral character and cannot
reverse a run. Pages show user text inside `<bdi>` or with dir="auto" where it sits in a line
of the portal's own text, so a right-to-left name cannot pull the text beside it either.
"""

from django.db import models

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_REMOVE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def strip_bidi_controls(value: str) -> str:
    return value.translate(_REMOVE)


def has_bidi_controls(value: str) -> bool:
    return any(char in value for char in BIDI_CONTROLS)


def _text_fields(model) -> tuple[str, ...]:
    cached = model.__dict__.get("_bidi_text_fields")
    if cached is None:
        cached = tuple(
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField))
        )
        model._bidi_text_fields = cached
    return cached


def clean_instance_text(sender, instance, **kwargs) -> None:
    """pre_save receiver: the model's text fields without bidirectional controls."""
    for name in _text_fields(sender):
        value = getattr(instance, name)
        if isinstance(value, str) and has_bidi_controls(value):
            setattr(instance, name, strip_bidi_controls(value))
