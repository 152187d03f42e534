from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.head_dashboard, name="head"),
    path("ranking/", views.unit_ranking, name="ranking"),
    path("actions/", views.action_list_view, name="actions"),
    path("exports/units/", views.export_units, name="export_units"),
    path("exports/visits/", views.export_visits, name="export_visits"),
    path("exports/plans/", views.export_plans, name="export_plans"),
    path("exports/actions/", views.export_actions, name="export_actions"),
]
