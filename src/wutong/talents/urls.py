from django.urls import path

from wutong.talents import views

app_name = "talents"

urlpatterns = [
    path("", views.talent_list, name="talent_list"),
    path("new/", views.talent_edit, name="talent_create"),
    path("import/", views.talent_import, name="talent_import"),
    path("bulk/", views.talent_bulk, name="talent_bulk"),
    path("duplicates/", views.talent_duplicates, name="talent_duplicates"),
    path("merge/", views.talent_merge, name="talent_merge"),
    path("import/template/", views.talent_import_template, name="talent_import_template"),
    path("<int:pk>/", views.talent_detail, name="talent_detail"),
    path("<int:pk>/edit/", views.talent_edit, name="talent_edit"),
    path("<int:pk>/reveal/<str:field>/", views.talent_reveal, name="talent_reveal"),
]
