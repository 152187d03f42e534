"""Object rules for findings and remediation (loaded by rules' autodiscovery).

These say who may do something; the services say when (in which state). So a person who may
never do it gets 403, and a right person at the wrong moment gets a message.

- Findings are written by the visit's team; the leader submits them and concludes the visit.
- Department heads review the findings of the visits in their province and decide on extensions.
- The liaison of the inspected unit (or a unit above it) reports on its remediation actions.
- Members of the visit's team verify or reopen an action reported done.
"""

import rules

from inspections.rules import is_head, is_liaison, leads_team, on_team, visit_in_scope
from units.rules import scope_prefix


def _action_visit(action):
    return action.finding.visit if action is not None else None


@rules.predicate
def action_in_scope(user, action) -> bool:
    prefix = scope_prefix(user)
    return action is not None and prefix is not None and action.unit.path.startswith(prefix)


@rules.predicate
def on_action_team(user, action) -> bool:
    return action is not None and _action_visit(action).is_team_member(user)


rules.add_perm("findings.edit_findings", on_team)
rules.add_perm("findings.submit_findings", leads_team)
rules.add_perm("findings.review_findings", is_head & visit_in_scope)
rules.add_perm("findings.conclude_visit", leads_team)

rules.add_perm("findings.report_remediation", is_liaison & action_in_scope)
rules.add_perm("findings.decide_extension", is_head & action_in_scope)
rules.add_perm("findings.verify_remediation", on_action_team)

# Pages of no one object: the heads' review queue, the liaison's own unit.
rules.add_perm("findings.view_review_queue", is_head)
rules.add_perm("findings.view_my_unit", is_liaison)
