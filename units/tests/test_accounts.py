"""Logging in and out, the lock-out after repeated failures, password change, language, home."""

import pytest
from django.urls import reverse

from units.roles import Role
from units.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"


def test_login_lands_on_home(client, scheduler):
    response = client.post(reverse("login"), {"username": "scheduler", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_a_vietnamese_message(client, scheduler):
    response = client.post(reverse("login"), {"username": "scheduler", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()


def test_repeated_failed_logins_lock_the_account_with_a_clear_message(client, scheduler, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "scheduler", "password": "sai"})
    response = client.post(reverse("login"), {"username": "scheduler", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()
    # Even the right password does not get in while locked.
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only_and_ends_the_session(client, scheduler):
    client.force_login(scheduler)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_in_vietnamese(client, scheduler):
    client.force_login(scheduler)
    page = client.get(reverse("password_change"))
    assert "Mật khẩu cũ" in page.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Cchc-2026-moi!", "new_password2": "Cchc-2026-moi!"},
    )
    assert response.status_code == 302
    scheduler.refresh_from_db()
    assert scheduler.check_password("Cchc-2026-moi!")


def test_english_can_be_selected(client, scheduler):
    client.force_login(scheduler)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log out" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Đăng xuất" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.SCHEDULER, "Lập lịch"),
        (Role.INSPECTOR, "Công việc kiểm tra của tôi"),
        (Role.HEAD, "Theo dõi, chỉ đạo"),
        (Role.LIAISON, "Đơn vị của tôi"),
        (Role.ADMIN, "Mở trang quản trị"),
    ],
)
def test_each_role_lands_on_a_home_page_for_that_role(client, commune, role, expected):
    user = UserFactory(unit=commune, roles=[role])
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_a_user_without_role_is_told_to_ask_for_one(client, commune):
    client.force_login(UserFactory(unit=commune))
    assert "chưa được gán vai trò" in client.get(reverse("home")).content.decode()


def test_pages_carry_a_content_security_policy_with_a_nonce(client, scheduler):
    client.force_login(scheduler)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy


def test_404_page_is_in_vietnamese(client, scheduler):
    client.force_login(scheduler)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
