"""Fewer, better indexes for a registry of a million that imports 100,000 rows at a time.

Name search moves onto the talent's row: the first reading's full pinyin and initials become
columns with (region, …) prefix indexes; TalentNameKey keeps only the other readings of
polyphonic characters. Existing files are filled in here. The blind indexes lose their
duplicate indexes (the identity's unique constraint already starts with the ID number's; on
PostgreSQL a CharField index also brought a LIKE twin nobody uses).
"""

import django.db.models.deletion
import wutong.core.pii
from django.db import migrations, models


def fill(apps, schema_editor):
    from wutong.talents.names import search_keys

    Talent = apps.get_model("talents", "Talent")
    TalentNameKey = apps.get_model("talents", "TalentNameKey")
    TalentNameKey.objects.all().delete()
    batch, keys = [], []
    for talent in Talent.objects.only("pk", "name", "region_id").iterator(chunk_size=2000):
        found = search_keys(talent.name)
        talent.name_pinyin, talent.name_initials = found.pinyin, found.initials
        batch.append(talent)
        keys.extend(TalentNameKey(talent_id=talent.pk, region_id=talent.region_id, key=k)
                    for k in found.others)
        if len(batch) >= 2000:
            Talent.objects.bulk_update(batch, ["name_pinyin", "name_initials"])
            TalentNameKey.objects.bulk_create(keys)
            batch, keys = [], []
    Talent.objects.bulk_update(batch, ["name_pinyin", "name_initials"])
    TalentNameKey.objects.bulk_create(keys)
    if schema_editor.connection.vendor == "postgresql":
        # Searches of other readings always name the regions (or go through the talent).
        schema_editor.execute("DROP INDEX IF EXISTS talents_namekey_key_pattern")


class Migration(migrations.Migration):

    dependencies = [
        ("talents", "0003_person_file"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="talentnamekey",
            name="talents_tal_key_1fb921_idx",
        ),
        migrations.AddField(
            model_name="talent",
            name="name_initials",
            field=models.CharField(blank=True, editable=False, max_length=80),
        ),
        migrations.AddField(
            model_name="talent",
            name="name_pinyin",
            field=models.CharField(blank=True, editable=False, max_length=80),
        ),
        migrations.AlterField(
            model_name="talent",
            name="region",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="talents", to="core.region",
                                    verbose_name="所属地区"),
        ),
        migrations.AddIndex(
            model_name="talent",
            index=models.Index(fields=["region", "name"], name="talent_region_name",
                               opclasses=["", "varchar_pattern_ops"]),
        ),
        migrations.AddIndex(
            model_name="talent",
            index=models.Index(fields=["region", "name_pinyin"], name="talent_region_name_pinyin",
                               opclasses=["", "varchar_pattern_ops"]),
        ),
        migrations.AddIndex(
            model_name="talent",
            index=models.Index(fields=["region", "name_initials"],
                               name="talent_region_name_initials",
                               opclasses=["", "varchar_pattern_ops"]),
        ),
        migrations.AlterField(
            model_name="talent",
            name="id_number_bidx",
            field=wutong.core.pii.BlindIndexField(blank=True, db_index=False, editable=False,
                                                  max_length=40, null=True, source="id_number"),
        ),
        migrations.AlterField(
            model_name="talent",
            name="phone_bidx",
            field=wutong.core.pii.BlindIndexField(blank=True, db_index=False, editable=False,
                                                  max_length=40, null=True, source="phone"),
        ),
        migrations.AddIndex(
            model_name="talent",
            index=models.Index(fields=["phone_bidx"], name="talent_phone_bidx"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
