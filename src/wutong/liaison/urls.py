"""URLs of leaders' contact duty, listed explicitly."""

from django.urls import path

from wutong.liaison import views

app_name = "liaison"

urlpatterns = [
    path("", views.leader_list, name="leader_list"),
    path("leaders/new/", views.leader_new, name="leader_new"),
    path("import/", views.roster_import, name="roster_import"),
    path("import/template/", views.roster_template, name="roster_template"),
    path("leaders/<int:pk>/", views.leader_detail, name="leader_detail"),
    path("leaders/<int:pk>/edit/", views.leader_edit, name="leader_edit"),
    path("leaders/<int:pk>/retire/", views.leader_retire, name="leader_retire"),
    path("leaders/<int:pk>/candidates/", views.leader_candidates, name="leader_candidates"),
    path("leaders/<int:pk>/assign/", views.assignment_add, name="assignment_add"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("leaders/<int:pk>/log/", views.contact_new, name="contact_new"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/withdraw/", views.contact_withdraw, name="contact_withdraw"),
    path("uncovered/", views.uncovered_list, name="uncovered"),
    path("uncovered/assign/", views.assignment_bulk, name="assignment_bulk"),
    path("items/", views.item_list, name="item_list"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("rule/", views.rule_edit, name="rule_edit"),
    path("ledger/", views.ledger, name="ledger"),
    path("person/<int:pk>/", views.person_section, name="person_section"),
]
