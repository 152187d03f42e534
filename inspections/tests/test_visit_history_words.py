"""The visit's history in words: every line says what changed from what to what, in Vietnamese."""

from django.urls import reverse

from inspections.models import VisitStatus


def _history(client, visit) -> str:
    page = client.get(visit.get_absolute_url()).content.decode()
    return page[page.index("history-change") - 200 :] if "history-change" in page else ""


def test_starting_a_visit_shows_the_old_and_new_status(client, scheduler, leader, visit):
    client.force_login(leader)
    client.post(reverse("inspections:visit_start", args=[visit.pk]), {"version": visit.version})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS

    client.force_login(scheduler)
    history = _history(client, visit)

    assert "Thay đổi trạng thái" in history
    assert "Trạng thái: Đã lên lịch → Đang thực hiện" in history


def test_editing_place_and_team_says_what_changed_from_what(
    client, scheduler, visit, leader, inspector, head
):
    client.force_login(scheduler)

    client.post(
        reverse("inspections:visit_edit", args=[visit.pk]),
        {
            "place": "Hội trường UBND xã",
            "notes": "",
            "leader": head.pk,
            "members": [leader.pk],
            "version": visit.version,
        },
    )

    history = _history(client, visit)
    assert "Địa điểm: — → Hội trường UBND xã" in history
    assert f"Tham gia đoàn: {head} (trưởng đoàn)" in history
    assert f"Rời đoàn: {inspector} (thành viên)" in history
    assert f"{leader}: Trưởng đoàn → Thành viên" in history


def test_moving_a_visit_shows_the_old_and_new_time(client, scheduler, visit):
    client.force_login(scheduler)

    client.post(
        reverse("inspections:visit_reschedule", args=[visit.pk]),
        {
            "day": "18/01/2027",
            "start_time": "07:30",
            "end_time": "11:00",
            "reason": "Trùng lịch",
            "version": visit.version,
        },
    )

    history = _history(client, visit)
    assert "Thời gian: 08:00 12/01/2027–11:30 → 07:30 18/01/2027–11:00" in history
    assert "Trùng lịch" in history


def test_cancelling_shows_the_status_it_had(client, scheduler, visit):
    client.force_login(scheduler)

    client.post(
        reverse("inspections:visit_cancel", args=[visit.pk]),
        {"reason": "Sáp nhập đơn vị", "version": visit.version},
    )

    assert "Trạng thái: Đã lên lịch → Đã hủy" in _history(client, visit)
