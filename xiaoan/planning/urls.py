from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("", views.index, name="index"),
    path("schedule/", views.schedule, name="schedule"),
    path("schools/<int:pk>/", views.school, name="school"),
    path("districts/", views.districts, name="districts"),
]
