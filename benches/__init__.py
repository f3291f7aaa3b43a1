"""Benchmarks: ``python -m benches NAME [--size N] [--db sqlite|postgres]`` (``--list``).

Each benchmark builds its own data in a scratch database (never the demo one) and prints one
JSON object per line: {"bench", "metric", "value", "unit", "target", "db"}. Times in seconds.
Later issues add their benchmarks to ``benches/registry.py``.
"""
