"""The Django admin in Vietnamese: role (group) names, what each role does, help texts."""

from django.contrib.auth.models import Group
from django.urls import reverse

from units.roles import Role


def _roles():
    for role in Role:
        Group.objects.get_or_create(name=role)


def test_the_roles_page_names_each_role_in_vietnamese_with_what_it_does(admin_client):
    _roles()

    page = admin_client.get(reverse("admin:auth_group_changelist")).content.decode()

    assert "Chuyên viên lập lịch" in page and "Lãnh đạo Sở/phòng" in page
    assert "Phê duyệt kế hoạch" in page
    assert ">Department head<" not in page


def test_the_user_form_offers_the_roles_by_their_vietnamese_names_with_help(admin_client, scheduler):
    _roles()

    page = admin_client.get(reverse("admin:units_user_change", args=[scheduler.pk])).content.decode()

    assert ">Chuyên viên lập lịch<" in page and ">Đầu mối đơn vị được kiểm tra<" in page
    assert "Quản lý người dùng, vai trò" in page
    assert "Điện thoại" in page and "Công tác" in page


def test_the_user_list_filters_by_role_in_vietnamese(admin_client, scheduler, inspector):
    _roles()

    response = admin_client.get(reverse("admin:units_user_changelist"), {"role": Role.SCHEDULER})

    page = response.content.decode()
    assert "Vai trò" in page or "vai trò" in page
    assert [u.username for u in response.context["cl"].result_list] == ["scheduler"]


def test_public_holidays_are_kept_in_the_admin_in_vietnamese(admin_client):
    page = admin_client.get(reverse("admin:inspections_publicholiday_changelist")).content.decode()

    assert "Ngày nghỉ lễ" in page or "ngày nghỉ lễ" in page
