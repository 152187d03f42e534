"""What closing a unit leaves behind: visits not finished and remediation still owed.

Those rows belong to the apps above units (inspections, findings), which units may not import.
So the app that knows them registers a probe here when it starts (findings.apps), and the unit
tree asks: the unit form and the admin (through Unit.clean) warn before a unit with open work is
closed, and offer the guided hand-over to its successor instead.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

__all__ = ["OpenWork", "open_work", "open_work_message", "register_probe"]


@dataclass(frozen=True)
class OpenWork:
    """One row still open at a unit being closed: a visit not finished or an action owed."""

    kind: str  # "visit" or "action"
    unit_name: str
    text: str
    url: str = ""
    overdue: bool = False


Probe = Callable[[list], Iterable[OpenWork]]
_probes: list[Probe] = []


def register_probe(probe: Probe) -> None:
    """Add ``probe(units) -> OpenWork rows``; registering the same probe twice keeps one."""
    if probe not in _probes:
        _probes.append(probe)


def open_work(*, units) -> list[OpenWork]:
    """Every open row of ``units`` that the registered probes report."""
    units = list(units)
    return [row for probe in _probes for row in probe(units)]


def open_work_message(unit) -> str:
    """The refusal when this change of ``unit`` closes it while it still has open work ("" when
    it does not close it, or nothing is open): Unit.clean and the unit import say it."""
    if not unit.closes_now() or unit.closing_acknowledged:
        return ""
    work = open_work(units=[unit])
    if not work:
        return ""
    return _(
        "%(unit)s still has %(count)s visits in progress or actions owed. Close it "
        "with “Merge, split or rename units” to hand them to its successor."
    ) % {"unit": unit.name, "count": len(work)}
