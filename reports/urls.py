from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("panel/", views.report_panel, name="panel"),
    path("request/", views.report_request, name="request"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/status/", views.report_status, name="status"),
    path("<int:pk>/retry/", views.report_retry, name="retry"),
    path("<int:pk>/download/", views.report_download, name="download"),
    path("<int:pk>/issue/", views.report_issue_view, name="issue"),
    path("issued/<int:pk>/", views.issued_detail, name="issued_detail"),
    path("issued/<int:pk>/correct/", views.issued_correct, name="issued_correct"),
    path("issued/<int:pk>/<str:fmt>/", views.issued_download, name="issued_download"),
]
