from django import template

from forums.markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Residents' Markdown, cleaned (see forums.markup)."""
    return render_markdown(text)
