from django.urls import path

from . import views

app_name = "reform_index"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("open/", views.round_open, name="round_open"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/publish/", views.round_publish, name="round_publish"),
    path("<int:pk>/ranking/", views.ranking, name="ranking"),
    path("<int:pk>/ranking.<str:fmt>", views.ranking_download, name="ranking_download"),
    path("cards/<int:pk>/", views.card_detail, name="card_detail"),
    path("cards/<int:pk>/score/<int:domain_pk>/", views.card_score, name="card_score"),
    path("cards/<int:pk>/submit/", views.card_submit, name="card_submit"),
    path("cards/<int:pk>/appraise/", views.card_appraise, name="card_appraise"),
    path("cards/<int:pk>/send/", views.card_send, name="card_send"),
    path("cards/<int:pk>/respond/", views.card_respond, name="card_respond"),
    path("cards/<int:pk>/approve/", views.card_approve, name="card_approve"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
