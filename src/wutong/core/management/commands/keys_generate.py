"""Print fresh keys for a production deployment's environment."""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand

from wutong.core.security.crypto import generate_key


class Command(BaseCommand):
    help = "Print new WUTONG_SECRET_KEY, WUTONG_DATA_KEY and WUTONG_INDEX_KEY values."

    def add_arguments(self, parser):
        parser.add_argument("--kid", default="k1", help="id of the new data key")

    def handle(self, *args, kid: str, **options):
        self.stdout.write(f"WUTONG_SECRET_KEY={secrets.token_urlsafe(50)}")
        self.stdout.write(f"WUTONG_DATA_KEY={kid}:{generate_key()}")
        self.stdout.write(f"WUTONG_INDEX_KEY={generate_key()}")
