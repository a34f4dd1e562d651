"""Isolate text people wrote from the page around it (issue 22, "text that cannot spoof").

Bidirectional controls are stripped when the project's models save (core/text.py); isolation
stops the rest: a title or a name in Arabic or Hebrew script (right-to-left) next to our
Indonesian or English interface would otherwise reorder the punctuation and numbers beside it
("· 12 replies" could read as "replies 12 ·"). `{{ topic.title|bdi }}` wraps a value in <bdi>,
which the browser lays out on its own, in the direction of its first strong letter. Blocks of
people's text (the rendered Markdown) carry dir="auto" in the templates, and free-text form
fields get it from the form renderer (core/forms.py). Not for translated interface strings,
nor inside <title> or an attribute, where markup cannot go.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter(is_safe=True)
def bdi(value):
    """The value, escaped, inside <bdi>...</bdi>; empty values stay empty (so `|default:`
    after it still works)."""
    if value is None or value == "":
        return value
    return format_html("<bdi>{}</bdi>", value)
