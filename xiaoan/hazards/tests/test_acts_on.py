"""`Hazard.acts_on`: a user outside a hazard's reach has no step on it in any state, so
`allowed_actions` answers without running the eleven checks — and answers as they would, for
every kind of user and every state."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from xiaoan.core.errors import DomainError
from xiaoan.hazards.choices import HazardStatus


def _passes(check, user) -> bool:
    try:
        check(user)
    except (DomainError, PermissionDenied):
        return False
    return True


def test_allowed_actions_answer_as_every_check_would(
    make_hazard,
    school_a,
    fire_department,
    bureau_admin,
    leader,
    gov,
    fire,
    alice,
    bob,
    carol,
    outsider,
):
    hazards = [make_hazard(), make_hazard(school=school_a, department=fire_department)]
    users = [bureau_admin, leader, gov, fire, alice, bob, carol, outsider]
    outside = 0
    for hazard in hazards:
        for status in HazardStatus.values:
            hazard.status = status
            for user in users:
                every = [n for n, check in hazard.action_checks().items() if _passes(check, user)]
                if not hazard.acts_on(user):
                    outside += 1
                    assert every == [], (user.username, status)
                assert hazard.allowed_actions(user) == every, (user.username, status)
    assert outside >= 2 * len(HazardStatus.values) * 2  # bob and outsider at least
