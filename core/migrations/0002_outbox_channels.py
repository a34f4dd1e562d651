from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_outbox"),
    ]

    operations = [
        migrations.RenameModel("OutboxEmail", "OutboxMessage"),
    ]
