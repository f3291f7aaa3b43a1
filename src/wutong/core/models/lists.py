"""A user's settings of a list page: saved filters (保存的筛选) and column choice (列设置).

These rows belong to a person, not to a place: even the system administrator sees only their
own. So they are not read through ``restrict()`` (whose role grants and region subtrees are about
the registry's data) but through ``visible_to`` / ``owned_by``, the owner rule of
``core.scope`` spelled out, plus filters shared within the owner's unit. What a saved filter
finds is still read through the list's own scoped selector, so it never widens anyone's scope.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wutong.core.errors import NotFound
from wutong.core.pii import PersonalDataField

NAME_MAX_LENGTH = 40


class SavedFilterQuerySet(models.QuerySet):
    def owned_by(self, user) -> SavedFilterQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner_id=user.pk)

    def visible_to(self, user) -> SavedFilterQuerySet:
        """The user's own filters and those colleagues of the same unit share."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        q = Q(owner_id=user.pk)
        unit_id = getattr(user, "unit_id", None)
        if unit_id:
            q |= Q(shared=True, owner__unit_id=unit_id, owner__is_active=True)
        return self.filter(q)

    def get_visible(self, user, **lookup) -> SavedFilter:
        return self._get_or_404(self.visible_to(user), lookup)

    def get_owned(self, user, **lookup) -> SavedFilter:
        return self._get_or_404(self.owned_by(user), lookup)

    @staticmethod
    def _get_or_404(qs, lookup):
        try:
            return qs.get(**lookup)
        except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound() from exc


class SavedFilter(models.Model):
    """A named set of filters of one list, saved by a user to apply again with one click.

    ``params`` are the list's query parameters as JSON, encrypted like any personal data: a
    search text may be a phone or an ID number. A shared filter is visible to the users of the
    owner's unit and read-only to them.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="saved_filters", verbose_name=_("所有人"))
    list_key = models.CharField(_("列表"), max_length=40)
    name = models.CharField(_("名称"), max_length=NAME_MAX_LENGTH)
    params = PersonalDataField(_("筛选条件"), kind="text")
    shared = models.BooleanField(_("本单位共享"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        verbose_name = _("保存的筛选")
        verbose_name_plural = _("保存的筛选")
        ordering = ["list_key", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "list_key", "name"],
                                    name="saved_filter_name_unique_per_owner_list"),
        ]
        indexes = [models.Index(fields=["list_key", "owner"], name="saved_filter_list_owner")]

    def __str__(self) -> str:
        return self.name

    @property
    def filter_params(self) -> dict[str, str]:
        if not self.params:
            return {}
        try:
            data = json.loads(self.params.reveal())
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


class ListPreference(models.Model):
    """The columns a user chose to see in one list, in their order (empty: the default)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="list_preferences", verbose_name=_("所有人"))
    list_key = models.CharField(_("列表"), max_length=40)
    columns = models.JSONField(_("显示的列"), default=list, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("列表设置")
        verbose_name_plural = _("列表设置")
        constraints = [
            models.UniqueConstraint(fields=["owner", "list_key"],
                                    name="list_preference_unique_per_owner_list"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id}:{self.list_key}"
