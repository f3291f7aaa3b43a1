from django.urls import path

from wutong.cases import commissioner_views as views

urlpatterns = [
    path("", views.grid_overview, name="grid_overview"),
    path("mine/", views.grid_mine, name="grid_mine"),
    path("talents/<int:pk>/contact/", views.contact_new, name="grid_contact_new"),
    path("assign/", views.grid_assign, name="grid_assign"),
    path("workload/", views.grid_workload, name="grid_workload"),
    path("gaps/", views.grid_gaps, name="grid_gaps"),
    path("stale/", views.grid_stale, name="grid_stale"),
    path("rules/", views.grid_rules, name="grid_rules"),
    path("policy/", views.grid_policy, name="grid_policy"),
    path("person/<int:pk>/", views.grid_person, name="grid_person"),
]
