from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:pk>/", views.district, name="district"),
    path("campaigns/<int:pk>/summary/<str:fmt>/", views.campaign_summary, name="campaign_summary"),
]
