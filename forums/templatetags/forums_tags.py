from django import template

from forums.markup import excerpt, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Residents' text, plain or Markdown, as safe HTML (see forums.markup)."""
    return render_markdown(text)


@register.filter(name="excerpt")
def excerpt_filter(text, limit=200):
    """The first words of a post as plain text (see forums.markup.excerpt)."""
    return excerpt(text, limit=int(limit))
