from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("tree/", views.unit_tree, name="tree"),
    path("new/", views.unit_create, name="create"),
    path("import/", views.unit_import, name="import"),
    path("import/confirm/", views.unit_import_confirm, name="import_confirm"),
    path("import/jobs/<int:pk>/", views.unit_import_job, name="import_job"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
]
