from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core import health
from core.sessions import session_keepalive
from inspections.checklist.offline import service_worker
from units import views as unit_views

from .home import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("sw.js", service_worker, name="service_worker"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", unit_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/session/", session_keepalive, name="session_keepalive"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("units/", include("units.urls")),
    path("inspections/", include("inspections.urls")),
    path("findings/", include("findings.urls")),
    path("reform-index/", include("inspections.reform_index.urls")),
    path("dashboards/", include("reports.dashboards.urls")),
    path("search/", include("reports.search.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
