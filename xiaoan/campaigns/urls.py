from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/start/", views.campaign_start, name="start"),
    path("<int:pk>/close/", views.campaign_close, name="close"),
    path("<int:pk>/remind/", views.campaign_remind, name="remind"),
    path("<int:pk>/adopt/", views.campaign_adopt, name="adopt"),
    path("<int:pk>/plans.xlsx", views.plans_export, name="plans_export"),
    path("<int:pk>/file/<str:which>/", views.campaign_file, name="file"),
    path("<int:pk>/my-plan/", views.my_plan, name="my_plan"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/accept/", views.plan_accept, name="plan_accept"),
    path("plans/<int:pk>/return/", views.plan_return, name="plan_return"),
    path("plans/<int:pk>/document/", views.plan_document, name="plan_document"),
]
