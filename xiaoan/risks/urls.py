from django.urls import path

from . import views

app_name = "risks"

urlpatterns = [
    path("", views.point_list, name="list"),
    path("export/", views.point_export, name="export"),
    path("new/", views.point_create, name="create"),
    path("map/", views.risk_map, name="map"),
    path("district/", views.district, name="district"),
    path("district/export/", views.district_export, name="district-export"),
    path("<int:pk>/", views.point_detail, name="detail"),
    path("<int:pk>/edit/", views.point_edit, name="edit"),
    path("<int:pk>/reassess/", views.point_reassess, name="reassess"),
    path("<int:pk>/retire/", views.point_retire, name="retire"),
]
