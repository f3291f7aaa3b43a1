"""Hooks through which higher apps tell accounts about a user's employers.

``orgs`` (an app above this one) registers a resolver that returns the employer ids an employer
account acts for; accounts never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_EMPLOYER_RESOLVERS: list[Callable[[object], Iterable[int]]] = []


def register_employer_resolver(resolver: Callable[[object], Iterable[int]]) -> None:
    _EMPLOYER_RESOLVERS.append(resolver)


def employer_ids_for(user) -> set[int]:
    ids: set[int] = set()
    for resolver in _EMPLOYER_RESOLVERS:
        ids.update(resolver(user))
    return ids
