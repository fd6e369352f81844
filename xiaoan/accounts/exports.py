"""The sheet of initial passwords to hand out, given once.

Accounts opened in one step with their schools (the school form, the school import) get
temporary passwords. They are kept in the creator's session only until the sheet is
downloaded, then forgotten: the sheet cannot be downloaded twice, and every user must choose
a new password at the first login anyway.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from openpyxl import Workbook

from xiaoan.core.excel import build_workbook

PENDING = "xiaoan_initial_passwords"


def keep_for_sheet(request: HttpRequest, accounts: list[dict[str, str]]) -> None:
    """Add accounts (`organisation`, `username`, `full_name`, `password`) to the sheet."""
    if accounts:
        request.session[PENDING] = [*pending(request), *accounts]


def pending(request: HttpRequest) -> list[dict[str, str]]:
    return list(request.session.get(PENDING, []))


def take_sheet(request: HttpRequest) -> list[dict[str, str]]:
    """The accounts of the sheet, forgotten as they are taken."""
    return list(request.session.pop(PENDING, []))


def passwords_workbook(accounts: list[dict[str, Any]]) -> Workbook:
    headers = [_("Organisation"), _("Login"), _("Full name"), _("Initial password")]
    rows = ([a["organisation"], a["username"], a["full_name"], a["password"]] for a in accounts)
    return build_workbook(_("Initial passwords"), headers, rows)
