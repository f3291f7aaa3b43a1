from django.urls import path

from wutong.orgs import platform_views, views

app_name = "orgs"

urlpatterns = [
    path("", views.employer_list, name="employer_list"),
    path("new/", views.employer_edit, name="employer_create"),
    path("import/", views.employer_import, name="employer_import"),
    path("import/template/", views.employer_import_template, name="employer_import_template"),
    path("<int:pk>/", views.employer_detail, name="employer_detail"),
    path("<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("platforms/", platform_views.platform_list, name="platform_list"),
    path("platforms/new/", platform_views.platform_edit, name="platform_create"),
    path("platforms/<int:pk>/", platform_views.platform_detail, name="platform_detail"),
    path("platforms/<int:pk>/edit/", platform_views.platform_edit, name="platform_edit"),
    path("platforms/<int:pk>/active/", platform_views.platform_set_active,
         name="platform_set_active"),
]
