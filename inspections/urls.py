from django.urls import include, path

from . import views

app_name = "inspections"

urlpatterns = [
    path("templates/", views.template_list, name="template_list"),
    path("templates/import/", views.template_import, name="template_import"),
    path("templates/import/jobs/<int:pk>/", views.template_import_job, name="template_import_job"),
    path("templates/<int:pk>/", views.template_preview, name="template_preview"),
    path("templates/<int:pk>/download.<str:fmt>", views.template_download, name="template_download"),
    path("templates/<int:pk>/publish/", views.template_publish, name="template_publish"),
    path("templates/<int:pk>/new-version/", views.template_new_version, name="template_new_version"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/return/", views.plan_return, name="plan_return"),
    path(
        "plans/<int:pk>/amendments/<int:number>/approve/", views.amendment_approve, name="amendment_approve"
    ),
    path("plans/<int:pk>/amendments/<int:number>/return/", views.amendment_return, name="amendment_return"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan_close"),
    path("plans/<int:pk>/schedule/", views.plan_bulk_schedule, name="plan_bulk_schedule"),
    path("plans/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/calendar/", views.visit_calendar, name="visit_calendar"),
    path("visits/mine/", views.my_visits, name="my_visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/reschedule/", views.visit_reschedule, name="visit_reschedule"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("visits/<int:pk>/start/", views.visit_start, name="visit_start"),
    path("", include("inspections.checklist.urls")),
]
