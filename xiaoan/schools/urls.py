from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("", views.SchoolListView.as_view(), name="list"),
    path("new/", views.SchoolCreateView.as_view(), name="create"),
    path("export.xlsx", views.school_export, name="export"),
    path("import/", views.school_import, name="import"),
    path("import/preview/", views.school_import_preview, name="import_preview"),
    path("import/template.xlsx", views.school_import_template, name="import_template"),
    path("setup/", views.district_setup, name="setup"),
    path("bureau/edit/", views.bureau_edit, name="bureau_edit"),
    path("organisations/", views.DepartmentListView.as_view(), name="organisations"),
    *[
        route
        for which, plural in (("section", "sections"), ("department", "departments"))
        for route in (
            path(
                f"organisations/{plural}/new/",
                views.organisation_form,
                {"which": which},
                name=f"{which}_create",
            ),
            path(
                f"organisations/{plural}/<int:pk>/edit/",
                views.organisation_form,
                {"which": which},
                name=f"{which}_update",
            ),
            path(
                f"organisations/{plural}/<int:pk>/retire/",
                views.organisation_retire,
                {"which": which},
                name=f"{which}_retire",
            ),
            path(
                f"organisations/{plural}/<int:pk>/reinstate/",
                views.organisation_reinstate,
                {"which": which},
                name=f"{which}_reinstate",
            ),
        )
    ],
    path("<int:pk>/", views.SchoolDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.SchoolUpdateView.as_view(), name="update"),
    path("<int:pk>/retire/", views.school_retire, name="retire"),
]
