"""“Done when” of the dashboards issue, walked on the demo data as the demo Department head (lanhdao):
the dashboard shows the seed plans' data, "mot cua" finds the one-stop-shop findings, and the
overdue actions download as Excel."""

import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from findings.models import FindingKind
from units.models import User

TODAY = date(2026, 11, 23)


@pytest.fixture
def head(demo_day, client):
    """The demo's head, logged in; the demo is loaded once for this module (conftest.py)."""
    user = User.objects.get(username="lanhdao")
    client.force_login(user)
    return user


def test_the_demo_head_sees_the_dashboard_with_the_seed_plans_data(client, head):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("dashboards:head"), {"year": 2020})
    assert response.status_code == 200
    board = response.context["board"]
    assert board.domains and board.ranking
    page = response.content.decode()
    assert "Bình Tấn" in page
    assert "Mức đạt (%)" in page and "Điểm (%)" in page
    assert "%%" not in page


def test_the_demo_head_searches_mot_cua_and_finds_the_one_stop_shop_limitations(client, head):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("search:search"), {"q": "mot cua", "kind": "findings"})
    assert response.status_code == 200
    findings = [
        f for group in response.context["groups"] for f in group["page"] if group["kind"].key == "findings"
    ]
    limitations = [f for f in findings if f.kind == FindingKind.LIMITATION]
    assert len(limitations) >= 2
    assert all("một cửa" in f.text.lower() for f in findings)
    assert {f.visit.unit.name for f in findings} == {"UBND xã Bình Tấn"}


def test_the_demo_head_exports_the_overdue_actions_to_excel(client, head):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("dashboards:actions"), {"lateness": "overdue", "format": "xlsx"})
    assert response.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert len(rows) >= 2
    # Xã Bình Tấn's overdue actions were handed to xã Bình Tân Mỹ in the 2025 merger (demo.merger),
    # and the one of Sa Đéc's 2022 notice is overdue too (no report back is recorded).
    assert {row[0] for row in rows[1:]} == {"UBND xã Bình Tân Mỹ", "UBND Phường 1"}
