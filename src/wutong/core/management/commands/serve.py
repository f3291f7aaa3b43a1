"""Serve the platform with waitress (multi-threaded, pure Python; static files by WhiteNoise)."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Wutong over HTTP with waitress."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host: str, port: int, threads: int, **options):
        from waitress import serve

        from wutong.wsgi import application

        serve(application, host=host, port=port, threads=threads, ident="wutong")
