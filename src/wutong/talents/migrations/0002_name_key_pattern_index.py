"""PostgreSQL: a pattern-ops index so ``key LIKE 'zs%'`` (name search) uses an index whatever
the database collation. SQLite searches by a binary range on the ordinary index instead."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS talents_namekey_key_pattern "
            "ON talents_talentnamekey (key varchar_pattern_ops)")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS talents_namekey_region_key_pattern "
            "ON talents_talentnamekey (region_id, key varchar_pattern_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS talents_namekey_key_pattern")
        schema_editor.execute("DROP INDEX IF EXISTS talents_namekey_region_key_pattern")


class Migration(migrations.Migration):
    dependencies = [("talents", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
