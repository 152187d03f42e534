"""URLs of the checklist filled on site (included by inspections/urls.py, namespace "inspections")."""

from django.urls import path

from . import views

urlpatterns = [
    path("visits/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("visits/<int:pk>/checklist/<int:criterion_pk>/", views.answer_row, name="answer_row"),
    path("visits/<int:pk>/checklist/<int:criterion_pk>/save/", views.answer_save, name="answer_save"),
    path(
        "visits/<int:pk>/checklist/<int:criterion_pk>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path("visits/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
    path("visits/<int:pk>/evidence/<int:evidence_pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("visits/<int:pk>/submit/", views.visit_submit, name="visit_submit"),
    path("visits/<int:pk>/reopen/", views.visit_reopen, name="visit_reopen"),
    path("visits/<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path(
        "visits/<int:pk>/self-assessment/<int:criterion_pk>/save/",
        views.self_answer_save,
        name="self_answer_save",
    ),
]
