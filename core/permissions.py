"""One way to ask whether a user may do something: the ``rules`` predicates of each app.

Asked of the rules directly rather than ``user.has_perm``: Django grants a superuser every
permission, but a superuser administers; they do not inspect, review or decide. The access
helpers of each app call this; views never check permissions by hand.
"""

import rules


def can(user, perm: str, obj=None) -> bool:
    """Whether ``user`` holds ``perm`` (on ``obj``) by the rules of the apps' ``rules.py``."""
    return rules.has_perm(perm, user, obj)
