from django.urls import path

from . import views

app_name = "schoolfiles"

urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/file.pdf", views.pdf, name="pdf"),
    path("<int:pk>/originals.zip", views.originals, name="originals"),
]
