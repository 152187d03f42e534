"""Who may do what in the reform index (loaded by rules' autodiscovery).

- The administrator opens a round (configuration, not a decision).
- The unit's liaison scores their own unit and answers the appraisal once.
- The appraisers are the inspectors of the Sở Nội vụ (thẩm định is their work); the department
  head approves the final scores and publishes the ranking; the scheduler only reads.
- A unit sees its own scorecards, and the ranking of its province once it is published.
"""

import rules

from units.roles import STAFF_ROLES, Role, is_admin
from units.rules import sees_unit


def _has(role):
    return rules.predicate(lambda user: role in user.role_names, name=f"has_{role}")


is_liaison = _has(Role.LIAISON)
is_inspector = _has(Role.INSPECTOR)
is_head = _has(Role.HEAD)


@rules.predicate
def is_administrator(user) -> bool:
    return is_admin(user)


@rules.predicate
def is_department_staff(user) -> bool:
    return bool(user.role_names & {str(r) for r in STAFF_ROLES}) or is_admin(user)


@rules.predicate
def sees_round(user, index_round) -> bool:
    """Staff of the round's province (and administrators)."""
    return index_round is None or sees_unit(user, index_round.province)


@rules.predicate
def sees_card_unit(user, card) -> bool:
    return card is None or sees_unit(user, card.unit)


@rules.predicate
def in_published_province(user, index_round) -> bool:
    """Anyone whose home unit is in the round's province, once the ranking is published."""
    if index_round is None or not index_round.is_published:
        return False
    if is_admin(user):
        return True
    return user.unit_id is not None and user.unit.path.startswith(index_round.province.path)


rules.add_perm("reform_index.open_round", is_administrator)
rules.add_perm("reform_index.view_round", is_department_staff & sees_round)
rules.add_perm("reform_index.publish_round", is_head & sees_round)
rules.add_perm("reform_index.view_ranking", (is_department_staff & sees_round) | in_published_province)
rules.add_perm("reform_index.view_scorecard", sees_card_unit & (is_department_staff | is_liaison))
rules.add_perm("reform_index.score_scorecard", sees_card_unit & is_liaison)
rules.add_perm("reform_index.appraise_scorecard", sees_card_unit & is_inspector)
rules.add_perm("reform_index.approve_scorecard", sees_card_unit & is_head)
