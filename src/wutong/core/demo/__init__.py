"""Demo data: generators of realistic personal data and the registry of demo-building steps.

Each app adds its part with ``register_step`` (in ``AppConfig.ready``); ``wutong demo_seed``
runs them in order. Steps must be idempotent: running the command twice changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from faker import Faker


@dataclass
class DemoContext:
    """Shared state of one demo build: seeded randomness and what earlier steps made."""

    seed: int = 2026
    rng: random.Random = field(init=False)
    faker: Faker = field(init=False)
    places: dict = field(default_factory=dict)
    employers: dict = field(default_factory=dict)
    accounts: list[dict] = field(default_factory=list)
    password: str = "Wutong@2026"  # noqa: S105 - the published demo password
    talents_per_place: int = 800

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(self.seed)


_STEPS: list[tuple[int, str, Callable[[DemoContext], None]]] = []


def register_step(name: str, func: Callable[[DemoContext], None], order: int = 50) -> None:
    if all(existing != name for _, existing, _ in _STEPS):
        _STEPS.append((order, name, func))


def steps() -> list[tuple[int, str, Callable[[DemoContext], None]]]:
    return sorted(_STEPS, key=lambda s: (s[0], s[1]))
