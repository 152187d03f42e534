"""Password policy: length, letters and digits, the last five refused, optional expiry; in Vietnamese."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import PasswordHistory, SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db
OLD = "CuTrang2026x"


@pytest.fixture
def user(inspector):
    inspector.set_password(OLD)
    inspector.save()
    return inspector


def _change(client, user, new, old=OLD):
    user.refresh_from_db()  # the session's hash is taken from the current password
    client.force_login(user)
    return client.post(
        reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


def _errors(response) -> str:
    return " ".join(response.context["form"].errors.get("new_password2", []))


def test_a_short_password_is_refused_with_a_vietnamese_message(client, user):
    response = _change(client, user, "ab12cd34")
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in _errors(response)
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_a_password_of_letters_only_is_refused(client, user):
    response = _change(client, user, "hoanghoahoanghoa")
    assert "Mật khẩu phải có cả chữ cái và chữ số." in _errors(response)


@pytest.mark.parametrize("password", ["hoanghoa", "12345678901234"])
def test_letters_and_digits_are_both_required(password):
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert "Mật khẩu phải có cả chữ cái và chữ số." in caught.value.messages


def test_every_message_of_the_policy_is_vietnamese(user):
    with pytest.raises(ValidationError) as caught:
        validate_password("password", user)
    assert caught.value.messages == [
        "Mật khẩu quá ngắn: cần ít nhất 10 ký tự.",
        "Mật khẩu phải có cả chữ cái và chữ số.",
        "Mật khẩu quá phổ biến, dễ bị đoán.",
    ]
    with pytest.raises(ValidationError) as caught:
        validate_password("inspector2026", user)
    assert caught.value.messages == [
        "Mật khẩu quá giống thông tin tài khoản (tên đăng nhập, họ tên, e-mail)."
    ]


def test_the_minimum_length_comes_from_the_settings(settings):
    settings.PASSWORD_MIN_LENGTH = 14
    with pytest.raises(ValidationError) as caught:
        validate_password("SoNoiVu2026ab")
    assert caught.value.messages == ["Mật khẩu quá ngắn: cần ít nhất 14 ký tự."]


def test_a_good_password_is_accepted_and_recorded(client, user):
    response = _change(client, user, "BinhTan2027so9")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("BinhTan2027so9")
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.PASSWORD_CHANGED, subject_username="inspector"
    ).exists()


def test_none_of_the_last_five_passwords_may_come_back(client, user):
    passwords = [OLD] + [f"MatKhauMoi{n}x" for n in range(1, 6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert _change(client, user, new, old=old).status_code == 302
    current = passwords[-1]

    for reused in passwords[1:]:
        response = _change(client, user, reused, old=current)
        assert "Mật khẩu mới không được trùng với 5 mật khẩu gần nhất." in _errors(response)

    # The sixth-last (the first) is out of the history now.
    assert _change(client, user, OLD, old=current).status_code == 302
    assert PasswordHistory.objects.filter(user=user).count() == 5


def test_the_history_keeps_hashes_not_passwords(user):
    stored = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
    assert list(stored) == [user.password]
    assert OLD not in stored[0]


def test_passwords_do_not_expire_by_default(client, user):
    with time_machine.travel(timezone.now() + timedelta(days=3650)):
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200


def test_an_expired_password_must_be_changed_before_anything_else(client, user, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        client.force_login(user)
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"] == reverse("password_change")
        page = client.get(reverse("password_change"))
        assert page.status_code == 200
        assert "Mật khẩu đã dùng quá 90 ngày. Vui lòng đổi mật khẩu để tiếp tục." in page.content.decode()

        changed = client.post(
            reverse("password_change"),
            {"old_password": OLD, "new_password1": "DoiMatKhau2027", "new_password2": "DoiMatKhau2027"},
        )
        assert changed.status_code == 302
        assert client.get(reverse("home")).status_code == 200


def test_a_recent_password_is_not_expired(client, user, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(timezone.now() + timedelta(days=89)):
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200
