"""Data scope: the one place that decides which rows a user may see or touch.

Every list, detail page, export, API call and background job that reads on a user's behalf goes
through ``Model.objects.restrict(user, action)``. A model states *how* it belongs to a place or a
person with a ``ScopeSpec``; the user's side comes from ``user.get_data_scope()`` (implemented by
``accounts.User``), so this module needs nothing from the apps above it.

Rules, by the kind of scope a user has (see ``DataScope``):
- ``all``: the system administrator, everything;
- ``regions``: a region subtree (talent office, leaders, commissioners), rows whose region is in it;
- ``unit``: member-unit staff, rows of their unit;
- ``self``: a talent, rows that are theirs;
- ``employer``: an employer, rows of that employer (or its own account's rows).
The action must also be granted by the user's role (``user.has_perm``); otherwise nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from wutong.core.errors import NotFound

ACTIONS = ("view", "add", "change", "delete", "export", "reveal")
MAX_OWNED = 1000


@dataclass(frozen=True)
class ScopeSpec:
    """How rows of a model belong to places and people (each a lookup path or None)."""

    region: str | None = None
    unit: str | None = None
    owner: str | None = None
    employer: str | None = None


@dataclass(frozen=True)
class DataScope:
    """What a user's data scope covers; computed once per user."""

    kind: str  # all | regions | unit | self | employer | none
    region_ids: frozenset[int] = field(default_factory=frozenset)
    unit_id: int | None = None
    user_id: int | None = None
    employer_ids: frozenset[int] = field(default_factory=frozenset)

    def q_for(self, spec: ScopeSpec, owned: list | None = None) -> Q | None:
        """The filter that keeps rows inside this scope; None means no row at all.

        Whatever the kind, a user reaches the rows they own themselves (their jobs, tokens,
        their own account) when the model names an owner. ``owned``, when given, lists the
        primary keys of those rows, found beforehand: an empty list then adds no condition
        at all, so the database plans the main one alone (an ``OR`` beside a region filter
        makes SQLite read and sort every row of the region for one page).
        """
        if self.kind == "all":
            return Q()
        q = self._main_q(spec)
        if spec.owner and self.user_id:
            if owned is None:
                own = Q(**{spec.owner: self.user_id})
            elif owned:
                own = Q(pk__in=owned)
            else:
                return q
            q = own if q is None else q | own
        return q

    def _main_q(self, spec: ScopeSpec) -> Q | None:
        if self.kind == "regions" and spec.region:
            return Q(**{f"{spec.region}__in": self.region_ids})
        if self.kind == "unit" and spec.unit and self.unit_id:
            return Q(**{spec.unit: self.unit_id})
        if self.kind == "employer" and spec.employer and self.employer_ids:
            return Q(**{f"{spec.employer}__in": self.employer_ids})
        return None


def permission_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class RestrictedQuerySet(models.QuerySet):
    """QuerySet with ``restrict(user, action)``; models using it must define ``scope``."""

    def restrict(self, user, action: str = "view") -> RestrictedQuerySet:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action}")
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        spec: ScopeSpec = getattr(self.model, "scope", None)
        if spec is None:
            raise TypeError(f"{self.model.__name__} has no ScopeSpec")
        scope = user.get_data_scope()
        owned = None
        if spec.owner and scope.user_id and scope.kind in ("regions", "unit", "employer"):
            # Beside a main condition, the user's own rows are looked up first (one indexed
            # query; most users own none of a model's rows).
            owned = list(self.model._default_manager.filter(
                **{spec.owner: scope.user_id}).values_list("pk", flat=True)[:MAX_OWNED])
            if len(owned) >= MAX_OWNED:
                owned = None  # many: keep the plain condition
        q = scope.q_for(spec, owned)
        if q is None:
            return self.none()
        return self.filter(q)

    def get_restricted(self, user, action: str = "view", **lookup):
        """One row inside the user's scope, or ``NotFound`` (never revealing it exists)."""
        try:
            return self.restrict(user, action).get(**lookup)
        except (self.model.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound() from exc


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


def ensure_in_scope(user, obj: models.Model, action: str) -> None:
    """Re-check a written object against the user's scope (call inside the transaction).

    NetBox's pattern: after the save, before commit, the row must still be one the user may
    act on; otherwise the whole transaction is rolled back by the raised error.
    """
    from wutong.core.errors import OutOfScope

    model = type(obj)
    if not model._default_manager.restrict(user, action).filter(pk=obj.pk).exists():
        raise OutOfScope()


def forget_scope(user) -> None:
    """Drop a user's cached scope (``get_data_scope`` caches it on the instance) after a change
    to the region tree, so the rest of the request sees the new region."""
    if hasattr(user, "_data_scope"):
        del user._data_scope


def require_region(user, region, *, current=None) -> None:
    """A record may be put only in a region of the user's scope. Users without a region
    scope (an employer, a talent) may keep the record where it is, not move it."""
    from wutong.core.errors import PermissionDenied
    from wutong.core.models import Region

    if region is None:
        return
    if current is not None and region.pk == current.pk and \
            user.get_data_scope().kind in ("employer", "self"):
        return
    if not Region.objects.restrict(user, "view").filter(pk=region.pk).exists():
        raise PermissionDenied(_("所选地区不在您的数据范围内。"))
