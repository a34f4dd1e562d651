"""Rule data from docs/domain.md 5 (the nine IKM elements, the grade bands) and the forum settings
row; and, on PostgreSQL only, the GIN index behind the topic search (SQLite has no full-text
search here: its search is a plain contains-match)."""

from decimal import Decimal

from django.db import migrations

from forums.reference import BANDS, ELEMENTS

SEARCH_INDEX = """
CREATE INDEX IF NOT EXISTS forums_topic_search_idx ON forums_topic USING GIN ((
    setweight(to_tsvector('indonesian'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('indonesian'::regconfig, COALESCE(body, '')), 'B')
))
"""


def seed(apps, schema_editor):
    apps.get_model("forums", "ForumSettings").objects.get_or_create(pk=1)
    Element = apps.get_model("forums", "IkmElement")
    for number, name, name_en, question, question_en in ELEMENTS:
        Element.objects.update_or_create(
            number=number,
            defaults={
                "name": name,
                "name_en": name_en,
                "question": question,
                "question_en": question_en,
            },
        )
    Band = apps.get_model("forums", "IkmGradeBand")
    for grade, lower, upper, name, name_en in BANDS:
        Band.objects.update_or_create(
            grade=grade,
            defaults={
                "lower": Decimal(lower),
                "upper": Decimal(upper),
                "name": name,
                "name_en": name_en,
            },
        )


def search_index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_INDEX)


def search_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS forums_topic_search_idx")


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(search_index_create, search_index_drop),
    ]
