"""Where each figure leads: the list behind it, in the reader's scope. Links are built when a
page is rendered (never stored in a snapshot) and only to lists the reader may open; a link
whose list cannot narrow to the region shown (the case list has no region filter) is offered
only on the reader's own scope root, where the list's count is the figure's."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from wutong.stats.compute import AGE_BANDS

_AGES = {key: (low, high) for key, low, high in AGE_BANDS}


def _url(name: str, params: dict | None = None, args=None) -> str | None:
    try:
        base = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{base}?{urlencode(params)}" if params else base


class Links:
    def __init__(self, user, region, year: int):
        self.user, self.region, self.year = user, region, year
        self.talents_ok = user.has_perm("talents.view_talent")
        self.own_root = user.region_id == region.pk

    def talents(self, **params) -> str | None:
        if not self.talents_ok:
            return None
        return _url("talents:talent_list", {"region": self.region.code, **params})

    def total(self):
        return self.talents(active="1")

    def category(self, code: str):
        return self.talents(active="1", category=code) if code not in ("", "*") else None

    def education(self, code: str):
        return self.talents(active="1", education=code) if code not in ("", "*") else None

    def industry(self, code: str):
        return self.talents(active="1", industry=code) if code not in ("", "*") else None

    def age(self, key: str):
        if key not in _AGES:
            return None
        low, high = _AGES[key]
        params = {"active": "1"}
        if low is not None:
            params["min_age"] = str(low)
        if high is not None:
            params["max_age"] = str(high)
        return self.talents(**params)

    def child_region(self, code: str):
        if not code or not self.talents_ok:
            return None
        return _url("talents:talent_list", {"region": code, "active": "1"})

    def child_figures(self, code: str):
        return _url("stats:figures", {"region": code}) if code else None

    def month(self, month: int):
        return self.talents(introduced_month=f"{self.year}-{month:02d}")

    def intake(self):
        return self.talents(introduced_year=str(self.year))

    def cases(self, which: str):
        if not (self.own_root and self.user.has_perm("cases.manage_case")):
            return None
        params = {"total": {}, "open": {"status": "open"}, "closed": {"status": "closed"},
                  "overdue": {"overdue": "1"}, "satisfaction": {"status": "closed"}}[which]
        return _url("cases:case_list", params)

    def funds(self):
        if not self.user.has_perm("policies.view_paymentbatch"):
            return None
        return _url("policies:fund_ledger")

    def leaders(self, short: bool = False):
        if not self.user.has_perm("liaison.view_leader"):
            return None
        params = {"region": self.region.code, "year": str(self.year)}
        if short:
            params["short"] = "1"
        return _url("liaison:leader_list", params)

    def problems(self, solved: bool = False):
        if not self.user.has_perm("liaison.view_item"):
            return None
        params = {"region": self.region.code, "year": str(self.year), "kind": "problem"}
        if solved:
            params["status"] = "solved"
        return _url("liaison:item_list", params)

    def score(self, system_id: int):
        if not self.user.has_perm("assessment.view_indicatorsystem"):
            return None
        return _url("assessment:system_detail", args=[system_id])
