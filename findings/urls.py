from django.urls import path

from . import views

app_name = "findings"

urlpatterns = [
    path("visits/<int:pk>/", views.visit_findings, name="visit_findings"),
    path("visits/<int:pk>/history/", views.visit_findings_history, name="visit_findings_history"),
    path("visits/<int:pk>/carry-forward/", views.carry_forward, name="carry_forward"),
    path("visits/<int:pk>/new/", views.finding_create, name="finding_create"),
    path(
        "visits/<int:pk>/from-answer/<int:criterion_pk>/",
        views.finding_from_answer,
        name="finding_from_answer",
    ),
    path("visits/<int:pk>/submit/", views.findings_submit, name="findings_submit"),
    path("visits/<int:pk>/review/", views.visit_review, name="visit_review"),
    path("visits/<int:pk>/review/finish/", views.review_finish, name="review_finish"),
    path("visits/<int:pk>/conclude/", views.visit_conclude, name="visit_conclude"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/delete/", views.finding_delete, name="finding_delete"),
    path("findings/<int:pk>/move/", views.finding_move, name="finding_move"),
    path("findings/<int:pk>/review/", views.finding_review, name="finding_review"),
    path("review/", views.review_queue, name="review_queue"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/progress/", views.action_progress, name="action_progress"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("actions/<int:pk>/extension/", views.action_extension, name="action_extension"),
    path(
        "actions/<int:pk>/extension/<int:update_pk>/decide/",
        views.action_extension_decide,
        name="action_extension_decide",
    ),
    path("actions/<int:pk>/verify/", views.action_verify, name="action_verify"),
    path("actions/<int:pk>/reopen/", views.action_reopen, name="action_reopen"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("my-unit/", views.my_unit, name="my_unit"),
    path("units/merger/", views.unit_merger, name="unit_merger"),
    path("units/closed-actions/", views.closed_unit_actions, name="closed_unit_actions"),
    path("actions/<int:pk>/reassign/", views.action_reassign_view, name="action_reassign"),
]
