"""Output encoding: text users typed is shown as text, never run as HTML or script."""

import pytest
from django.urls import reverse

from units.models import UnitKind
from units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_unit_name_with_markup_is_escaped_on_its_page(client, scheduler, district):
    unit = UnitFactory(name=f"Xã {PAYLOAD}", kind=UnitKind.COMMUNE, parent=district)
    client.force_login(scheduler)

    response = client.get(reverse("units:detail", args=[unit.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert PAYLOAD not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_pages_forbid_scripts_without_the_page_nonce(client, scheduler):
    client.force_login(scheduler)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
