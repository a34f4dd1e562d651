from django import template

from forums.markup import excerpt, html_excerpt, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Residents' text, plain or Markdown, as safe HTML (see forums.markup). Posts and sessions
    store theirs when saved (`body_html`, `agenda_html`, `minutes_html`): print that instead."""
    return render_markdown(text)


@register.filter(name="excerpt")
def excerpt_filter(text, limit=200):
    """The first words of a post as plain text (see forums.markup.excerpt)."""
    return excerpt(text, limit=int(limit))


@register.filter(name="html_excerpt")
def html_excerpt_filter(rendered, limit=200):
    """The first words of a post's stored HTML as plain text (forums.markup.html_excerpt)."""
    return html_excerpt(rendered, limit=int(limit))
