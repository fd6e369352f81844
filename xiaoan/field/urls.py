from django.urls import path

from . import views

app_name = "field"

# The worker and the manifest sit at the site's root: a service worker controls only the
# pages under the folder it is served from.
urlpatterns = [
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline/", views.offline, name="offline"),
    path("field/", views.today, name="today"),
]
