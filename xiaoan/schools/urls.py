from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("", views.SchoolListView.as_view(), name="list"),
    path("new/", views.SchoolCreateView.as_view(), name="create"),
    path("export.xlsx", views.school_export, name="export"),
    path("import/", views.school_import, name="import"),
    path("organisations/", views.DepartmentListView.as_view(), name="organisations"),
    path("<int:pk>/", views.SchoolDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.SchoolUpdateView.as_view(), name="update"),
    path("<int:pk>/retire/", views.school_retire, name="retire"),
]
