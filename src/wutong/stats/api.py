"""API of the figures (数据概览): one region's figures as the figures page and the dashboard
read them, for a leaders' big screen or another government system. Same selectors as the
pages: a region inside the caller's scope, figures never older than ten minutes (a stale
snapshot is recomputed first). Amounts are in fen (分)."""

import datetime as dt

from ninja import Router, Schema

from wutong.stats import selectors

router = Router(tags=["stats"])


class RegionOut(Schema):
    code: str
    name: str


class FiguresOut(Schema):
    region: RegionOut
    computed_at: dt.datetime
    recomputed: bool
    figures: dict


@router.get("/figures/", response=FiguresOut,
            summary="数据概览：人才、引进、兑现资金、诉求、联系服务、考核得分（按数据范围；金额单位：分）")
def figures_get(request, region: str | None = None):
    """``region``: a region code inside the caller's scope; their own scope root by default."""
    place = selectors.region_for(user=request.user, code=region)
    found = selectors.figures_for(user=request.user, region=place)
    return {"region": place, "computed_at": found.computed_at,
            "recomputed": found.recomputed, "figures": found.data}
