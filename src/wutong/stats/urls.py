from django.urls import path

from wutong.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.figures, name="figures"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("population/", views.population, name="population"),
    path("report/", views.report, name="report"),
]
