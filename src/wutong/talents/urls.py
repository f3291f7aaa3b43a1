from django.urls import path

from wutong.talents import views

app_name = "talents"

urlpatterns = [
    path("", views.talent_list, name="talent_list"),
    path("new/", views.talent_edit, name="talent_create"),
    path("<int:pk>/", views.talent_detail, name="talent_detail"),
    path("<int:pk>/edit/", views.talent_edit, name="talent_edit"),
    path("<int:pk>/reveal/<str:field>/", views.talent_reveal, name="talent_reveal"),
]
