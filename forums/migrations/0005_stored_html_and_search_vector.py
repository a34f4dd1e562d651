"""Issue 23: posts keep their rendered, sanitised HTML next to their Markdown (filled here for
the rows that exist: rendered by the same function a save uses), and topics keep their
full-text search document in a generated column (PostgreSQL), which replaces the expression
index of migration 0002 by a GIN index on the column (same name). SQLite: the column is NULL and
no index is made (its search is a contains-match)."""

import django.contrib.postgres.search
import forums.fields
from django.db import migrations, models

SEARCH_INDEX = "CREATE INDEX forums_topic_search_idx ON forums_topic USING GIN (search_vector)"
OLD_SEARCH_INDEX = """
CREATE INDEX IF NOT EXISTS forums_topic_search_idx ON forums_topic USING GIN ((
    setweight(to_tsvector('indonesian'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('indonesian'::regconfig, COALESCE(body, '')), 'B')
))
"""


def html_fill(apps, schema_editor):
    for name in ("Topic", "Comment", "DiscussionSession"):
        forums.fields.fill_rendered(apps.get_model("forums", name))


def search_index_to_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS forums_topic_search_idx")
        schema_editor.execute(SEARCH_INDEX)


def search_index_to_expression(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS forums_topic_search_idx")
        schema_editor.execute(OLD_SEARCH_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0004_moderation_queue_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="body_html",
            field=forums.fields.RenderedMarkdownField(source="body", verbose_name="text (HTML)"),
        ),
        migrations.AddField(
            model_name="discussionsession",
            name="agenda_html",
            field=forums.fields.RenderedMarkdownField(
                source="agenda", verbose_name="agenda (HTML)"
            ),
        ),
        migrations.AddField(
            model_name="discussionsession",
            name="minutes_html",
            field=forums.fields.RenderedMarkdownField(
                source="minutes", verbose_name="minutes (HTML)"
            ),
        ),
        migrations.AddField(
            model_name="topic",
            name="body_html",
            field=forums.fields.RenderedMarkdownField(source="body", verbose_name="text (HTML)"),
        ),
        migrations.AddField(
            model_name="topic",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=forums.fields.TopicSearchDocument(),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        # The index first: PostgreSQL refuses CREATE INDEX on a table with pending trigger
        # events, which the backfill's updates leave until the transaction ends.
        migrations.RunPython(search_index_to_column, search_index_to_expression),
        migrations.RunPython(html_fill, migrations.RunPython.noop),
    ]
