"""Problems a register row lists (one a line) that go on the hazard ledger in one step: a
drill's problems, those a leader found eating with the pupils. Written once here; each model
says where its problems are found (`problem_area_code`, `problem_description`, `found_on`) and
keeps the problems reported (`reported_problems`, rows with `problem` and `hazard`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, ClassVar

from django.db import transaction
from django.utils.translation import gettext

from xiaoan.core.errors import Invalid, Refused

from .base import check_writer


class ProblemsToLedger:
    """A row with `problems` (one a line) that may each become a hazard, once."""

    problems: Any
    school: Any
    writers: ClassVar[tuple[str, ...]]
    reported_problems: Any

    def problem_area_code(self) -> str:
        """The hazard area a problem goes to, unless the reporter chooses another."""
        raise NotImplementedError

    def problem_description(self, problem: str) -> str:
        raise NotImplementedError

    def found_on(self) -> datetime.date:
        raise NotImplementedError

    def problem_lines(self) -> list[str]:
        return [line.strip() for line in self.problems.splitlines() if line.strip()]

    def problems_to_report(self) -> list[str]:
        """The problems not yet on the hazard ledger."""
        reported = set(self.reported_problems.values_list("problem", flat=True))
        return [line for line in self.problem_lines() if line not in reported]

    def problem_checks(self) -> dict[str, Callable[[Any], object]]:
        return {"report_problem": self.check_report_problem}

    def check_report_problem(self, user: Any) -> None:
        check_writer(user, self.writers, self.school)
        if not self.problems_to_report():
            raise Refused(gettext("Every problem listed here is already on the hazard ledger."))

    def report_problem(self, user: Any, problem: str, area: Any = None) -> Any:
        """Put one of the row's problems on the hazard ledger (a self-reported general hazard
        found on the row's day), once; `area` defaults to the row's (`problem_area_code`)."""
        from xiaoan.hazards.choices import HazardLevel, HazardSource
        from xiaoan.hazards.models import Area, Hazard

        self.check_report_problem(user)
        problem = problem.strip()
        if problem not in self.problems_to_report():
            raise Invalid(gettext("Choose one of the problems listed here, not yet reported."))
        area = area or Area.objects.get(code=self.problem_area_code())
        with transaction.atomic():
            hazard = Hazard.objects.report(
                school=self.school,
                area=area,
                level=HazardLevel.GENERAL,
                description=self.problem_description(problem),
                reported_by=user,
                source=HazardSource.SELF_REPORT,
                found_on=self.found_on(),
                from_record=True,
            )
            self.reported_problems.create(problem=problem, hazard=hazard)
        return hazard
