"""Every page asks an anonymous visitor to log in first."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages that must stay reachable without an account.
PUBLIC = {"login", "set_language", "healthz", "readyz", "service_worker"}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


def _concrete(route: str) -> str:
    import re

    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(?:str|slug):[^>]+>", "x", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"<path:[^>]+>", "x", route)
    route = re.sub(r"<[^>]+>", "1", route)
    return "/" + route.lstrip("^").rstrip("$").replace("\\Z", "")


ROUTES = [
    (route, name)
    for route, name in _walk(get_resolver().url_patterns)
    if not route.startswith("admin/") and name not in PUBLIC and "(?P" not in route
]


@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[r for r, _ in ROUTES])
def test_anonymous_visitor_is_sent_to_login(client, db, route, name):
    response = client.get(_concrete(route))
    assert response.status_code == 302, route
    assert response["Location"].startswith("/accounts/login/"), route


def test_admin_asks_anonymous_visitor_to_log_in(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302


def test_login_page_is_in_vietnamese(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
