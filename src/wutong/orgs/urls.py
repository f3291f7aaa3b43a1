from django.urls import path

from wutong.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.employer_list, name="employer_list"),
    path("new/", views.employer_edit, name="employer_create"),
    path("<int:pk>/", views.employer_detail, name="employer_detail"),
    path("<int:pk>/edit/", views.employer_edit, name="employer_edit"),
]
