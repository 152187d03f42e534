"""A unit name with line breaks (typed before names were checked, or pasted) never breaks a notice.

Django refuses e-mail headers with a newline (BadHeaderError); subjects are built from unit names,
so every subject is folded to one line where messages are built (``core.mail``).
"""

from datetime import date

from django.urls import reverse

from inspections.models import VisitEvent, VisitEventKind
from units.models import Unit

from .factories import at
from .test_visit_changes import _move


def test_rescheduling_a_unit_whose_name_has_line_breaks_saves_the_date_and_sends_one_notice(
    client, scheduler, visit, commune, django_capture_on_commit_callbacks, mailoutbox
):
    # A name stored before the rule (the import of an old spreadsheet): bypasses the model's check.
    Unit.objects.filter(pk=commune.pk).update(
        name="Xã Bình Tấn\r\nhuyện Thanh Bình", email="binhtan@example.vn"
    )
    client.force_login(scheduler)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inspections:visit_reschedule", args=[visit.pk]), _move(visit))

    visit.refresh_from_db()
    assert response.status_code == 302
    assert visit.starts_at == at(date(2027, 1, 19), 13, 30)
    assert VisitEvent.objects.get(visit=visit, kind=VisitEventKind.RESCHEDULED).notified_at
    (mail,) = mailoutbox
    assert mail.subject == "Đổi lịch kiểm tra: Xã Bình Tấn huyện Thanh Bình, chuyển sang ngày 19/01/2027"
