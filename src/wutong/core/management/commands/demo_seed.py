"""Build the demo: the five places of the seed reports, their offices, units and accounts."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from wutong.core.demo import DemoContext, steps


class Command(BaseCommand):
    help = "Fill the database with the demo city (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--quiet", action="store_true", help="do not print the accounts")
        parser.add_argument("--talents-per-place", type=int, default=800)

    def handle(self, *args, seed: int, quiet: bool, talents_per_place: int, **options):
        ctx = DemoContext(seed=seed, talents_per_place=talents_per_place)
        for _order, name, func in steps():
            with transaction.atomic():
                func(ctx)
            self.stdout.write(f"demo: {name} ✓")
        if not quiet:
            self.print_accounts(ctx)

    def print_accounts(self, ctx: DemoContext) -> None:
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {ctx.password}）:")
        width = max(len(a["username"]) for a in ctx.accounts) + 2
        for account in ctx.accounts:
            self.stdout.write(f"  {account['username']:<{width}} {account['role']:<10} "
                              f"{account['where']}")
