"""The 2025 merger in the demo: xã Bình Tấn and xã Tân Mỹ (huyện Thanh Bình, Đồng Tháp) become xã
Bình Tân Mỹ on 01/07/2025, applied through the service the guided page uses
(findings.services.merger.unit_reorganise), so `make run` shows its effects: the successor's page
lists the 2020 inspections of both communes (marked "trước sắp xếp"), the search for "Bình Tân Mỹ"
finds them, the actions they still owed are with the new commune and its liaison (account
``binhtanmy``), and the communes leave the pickers for new plans and visits.

Loaded last (after the findings), and idempotent: the successor is found by its code; a second
load only closes the predecessors again if the unit loader reopened them, and moves nothing twice.
"""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from findings.services.merger import ReorganisationKind, unit_merge, unit_reorganise
from units.models import Unit, User
from units.roles import Role

MERGED_ON = date(2025, 7, 1)
PREDECESSORS = ["DT-TB-BT", "DT-TB-TM"]
SUCCESSOR_CODE = "DT-BTM"
SUCCESSOR_NAME = "UBND xã Bình Tân Mỹ"
# The liaison of the new commune (the demo's own account: no real person is named).
LIAISON = ("binhtanmy", "Đầu mối", "xã Bình Tân Mỹ", "Công chức Văn phòng - Thống kê xã Bình Tân Mỹ")


@transaction.atomic
def load() -> dict[str, int]:
    """Apply the merger (once) and create the new commune's liaison; return the actions it holds."""
    if not settings.DEBUG:
        raise RuntimeError("Demo data is never loaded in a production configuration (DJANGO_DEBUG=0).")
    predecessors = list(Unit.objects.filter(code__in=PREDECESSORS).order_by("code"))
    if len(predecessors) != len(PREDECESSORS):
        return {"actions": 0}
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    successor = Unit.objects.filter(code=SUCCESSOR_CODE).first()
    if successor is None:
        successor, _check = unit_reorganise(
            kind=ReorganisationKind.MERGER,
            predecessors=predecessors,
            on=MERGED_ON,
            actor=admin,
            new_name=SUCCESSOR_NAME,
        )
        successor.code, successor.short_name = SUCCESSOR_CODE, "Xã Bình Tân Mỹ"
        successor.head_title = "Chủ tịch UBND xã"
        successor.save(update_fields=["code", "short_name", "head_title"])
    elif any(u.valid_to is None for u in predecessors):
        # The unit loader reopened the communes (it sets every commune's dates): close them again.
        unit_merge(predecessors=predecessors, successor=successor, on=MERGED_ON, actor=admin)
    _liaison(successor)
    return {"actions": successor.remediation_actions.count()}


def _liaison(unit: Unit) -> None:
    username, last_name, first_name, position = LIAISON
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
        user.set_password(settings.DEMO_PASSWORD)
    user.last_name, user.first_name, user.position = last_name, first_name, position
    user.unit, user.email = unit, f"{username}@demo.cchc.local"
    user.save()
    user.groups.add(Group.objects.get(name=Role.LIAISON))


__all__ = ["MERGED_ON", "SUCCESSOR_CODE", "load"]
