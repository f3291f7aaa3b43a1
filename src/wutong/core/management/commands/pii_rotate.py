"""Re-encrypt personal data with the active key (and cipher), online and resumable.

Put the new key first in WUTONG_DATA_KEY, keeping the old ones after it, restart the app, then
run this. Each row is rewritten with a compare-and-swap on its old ciphertext, so a concurrent
edit is never overwritten; rows already on the active key are skipped, so the command can be
interrupted and run again. When it reports nothing left, drop the old keys.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from wutong.core.pii import personal_fields
from wutong.core.security import crypto


class Command(BaseCommand):
    help = "Re-encrypt every personal-data column with the active key and cipher."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        active_kid = crypto.current_keyring().active_kid
        active_alg = crypto.current_algorithm()
        total = 0
        for model in apps.get_models():
            fields = personal_fields(model)
            if not fields:
                continue
            for field in fields:
                done = self.rotate(model, field, active_kid, active_alg, batch_size)
                total += done
                if done:
                    self.stdout.write(f"{model._meta.label}.{field.name}: {done} re-encrypted")
        self.stdout.write(f"re-encrypted {total} value(s); active key {active_kid}")

    def rotate(self, model, field, kid: str, alg: str, batch_size: int) -> int:
        manager = model._base_manager
        last_pk = None
        done = 0
        while True:
            qs = manager.exclude(**{f"{field.attname}__isnull": True}).order_by("pk")
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            batch = list(qs.values_list("pk", field.attname)[:batch_size])
            if not batch:
                return done
            with transaction.atomic():
                for pk, value in batch:
                    last_pk = pk
                    old_token = value.token()
                    if crypto.token_key_id(old_token) == (alg, kid):
                        continue
                    new_token = crypto.encrypt(value.reveal(), kind=field.kind)
                    done += self.swap(model, field, pk, old_token, new_token)

    @staticmethod
    def swap(model, field, pk, old_token: str, new_token: str) -> int:
        """Compare-and-swap on the raw ciphertext: a row edited meanwhile is left alone."""
        q = connection.ops.quote_name
        sql = (f"UPDATE {q(model._meta.db_table)} SET {q(field.column)} = %s "  # noqa: S608
               f"WHERE {q(model._meta.pk.column)} = %s AND {q(field.column)} = %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [new_token, pk, old_token])
            return cursor.rowcount
