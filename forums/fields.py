"""Stored forms of residents' text, kept by the database row itself (issue 23).

`RenderedMarkdownField` holds the safe HTML of a Markdown field of the same row: it is rendered
by `forums.markup.render_markdown` whenever the row is saved (`pre_save`, as `auto_now` fills a
date: every `save()` and `bulk_create()`, from the services, the admin, the demo and the scale
seeder alike), so a page reads the HTML instead of parsing Markdown and cleaning the result on
each view. Read back, it is a SafeString: it was cleaned by nh3 before it was stored, and nothing
writes the column but this field (`editable=False`). `QuerySet.update(body=...)` bypasses it:
re-render with `fill_rendered` after such a write.

`TopicSearchDocument` is the topic's full-text document, the same expression the search ranked
with before it was stored: the title with weight A and the text with weight B, in PostgreSQL's
`indonesian` configuration. Stored as a generated column on PostgreSQL; on SQLite (development)
the column is NULL and the search is a contains-match (forums.selectors.topics).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Func
from django.utils.safestring import mark_safe

from forums.markup import render_markdown

# PostgreSQL ships an `indonesian` text search configuration (checked: `\dF`): stemming of
# Indonesian affixes ("pelayanan" finds "layanan").
SEARCH_CONFIG = "indonesian"


class RenderedMarkdownField(models.TextField):
    """The sanitised HTML of the Markdown in `source` (a field of the same model)."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in (("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key, value) == value:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        html = render_markdown(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, html)
        return html

    def from_db_value(self, value, expression, connection):
        # Cleaned by nh3 when it was written (pre_save above): safe to print as it is.
        return mark_safe(value) if value is not None else value  # noqa: S308


def fill_rendered(model, *, only_missing: bool = True, batch: int = 2000) -> int:
    """Render and store every `RenderedMarkdownField` of `model`'s rows (those still empty, or
    all): the data migration's backfill, and the repair after a bulk write that bypassed
    `save()`. Works with the migration's historical models. Identical texts are rendered once.
    Returns the number of rows written."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, RenderedMarkdownField)]
    written = 0
    for field in fields:
        rows = model._base_manager.exclude(**{field.source: ""})
        if only_missing:
            rows = rows.filter(**{field.attname: ""})
        rows = rows.only("pk", field.source).order_by("pk")
        pending, memo = [], {}
        for row in rows.iterator(chunk_size=batch):
            text = getattr(row, field.source)
            if text not in memo:
                if len(memo) >= 10_000:
                    memo.clear()
                memo[text] = render_markdown(text)
            setattr(row, field.attname, memo[text])
            pending.append(row)
            if len(pending) >= batch:
                model._base_manager.bulk_update(pending, [field.attname])
                written += len(pending)
                pending = []
        if pending:
            model._base_manager.bulk_update(pending, [field.attname])
            written += len(pending)
    return written


class TopicSearchDocument(Func):
    """setweight(to_tsvector('indonesian', title), 'A') || setweight(to_tsvector('indonesian',
    body), 'B'): the expression of the stored search column (NULL where PostgreSQL is not)."""

    output_field = SearchVectorField()

    def __init__(self, title="title", body="body", **extra):
        super().__init__(F(title), F(body), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []  # SQLite: no full-text search here (a contains-match instead)

    def as_postgresql(self, compiler, connection, **extra_context):
        title, title_params = compiler.compile(self.source_expressions[0])
        body, body_params = compiler.compile(self.source_expressions[1])
        config = f"'{SEARCH_CONFIG}'::regconfig"  # a constant, never user input
        sql = (
            f"(setweight(to_tsvector({config}, COALESCE({title}, '')), 'A')"
            f" || setweight(to_tsvector({config}, COALESCE({body}, '')), 'B'))"
        )
        return sql, [*title_params, *body_params]
