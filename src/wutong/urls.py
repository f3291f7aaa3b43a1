"""URL map. Each app lists its own URLs explicitly; the API is assembled in ``wutong.api``."""

from django.urls import include, path
from django.views.i18n import set_language

from wutong.api import api
from wutong.core.views import errors, home

urlpatterns = [
    path("", include("wutong.core.urls")),
    path("accounts/", include("wutong.accounts.urls")),
    path("employers/", include("wutong.orgs.urls")),
    path("talents/", include("wutong.talents.urls")),
    path("policies/", include("wutong.policies.urls")),
    path("cases/", include("wutong.cases.urls")),
    path("liaison/", include("wutong.liaison.urls")),
    path("assessment/", include("wutong.assessment.urls")),
    path("stats/", include("wutong.stats.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
    path("healthz", home.healthz, name="healthz"),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
