"""Load the GB/T 2260 region tree and the national code tables; create local catalogues."""

from django.db import migrations


def load(apps, schema_editor):
    from wutong.core.reference import ensure_local_catalogues, load_code_tables, load_regions

    load_regions(apps.get_model("core", "Region"))
    load_code_tables(apps.get_model("core", "CodeTable"), apps.get_model("core", "CodeItem"))
    ensure_local_catalogues(apps.get_model("core", "CodeTable"))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
