from django.urls import include, path

from wutong.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("summary/", views.case_summary, name="case_summary"),
    path("mine/", views.my_cases, name="my_cases"),
    path("new/", views.case_new, name="case_new"),
    path("queue/", views.unit_queue, name="unit_queue"),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue/units/", views.overdue_units, name="overdue_units"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/act/<slug:action>/", views.case_act, name="case_act"),
    path("person/<int:pk>/", views.person_cases, name="person_cases"),
    path("types/", views.type_list, name="type_list"),
    path("types/new/", views.type_edit, name="type_create"),
    path("types/<int:pk>/", views.type_edit, name="type_edit"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", views.calendar_delete, name="calendar_delete"),
    path("grid/", include("wutong.cases.commissioner_urls")),
]
