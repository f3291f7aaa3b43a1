"""The list of benchmarks. Each is a function (size, emit) → None; ``emit`` prints a line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Bench:
    name: str
    help: str
    default_size: int
    run: Callable


BENCHES: dict[str, Bench] = {}


def bench(name: str, help: str, default_size: int):
    def register(func):
        BENCHES[name] = Bench(name, help, default_size, func)
        return func

    return register


def load_all() -> None:
    from benches import (  # noqa: F401
        assessment,
        cases,
        foundation,
        grid,
        liaison,
        policies,
        stats,
        talents,
    )
