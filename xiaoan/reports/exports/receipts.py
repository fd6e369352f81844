"""The receipt list of an issued document (签收情况) as Excel: one row per school, the late
ones first, as the page shows them; numbers, dates and times stored as such."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from xiaoan.core.excel import build_workbook

from ..choices import ReceiptState
from ..models import IssuedDocument


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    # Excel has no time zones: the bureau's local time, without its zone.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


def receipt_headers() -> list[str]:
    return [
        _("No."),
        _("School code"),
        _("School"),
        _("Receipt"),
        _("Sign by"),
        _("First opened at"),
        pgettext("receipt", "Signed by"),
        _("Signed at"),
        _("Days late"),
    ]


def receipt_rows(document: IssuedDocument, today: datetime.date) -> list[list[Any]]:
    rows = []
    for number, receipt in enumerate(document.receipt_rows(today), start=1):
        rows.append(
            [
                number,
                receipt.school.code,
                receipt.school.name,
                str(ReceiptState(receipt.state).label),
                document.sign_by,
                _local(receipt.opened_at),
                _name(receipt.signed_by),
                _local(receipt.signed_at),
                receipt.days_late(today),
            ]
        )
    return rows


def receipts_workbook(document: IssuedDocument, today: datetime.date) -> Workbook:
    if document.number:
        title = _("Receipts of “%(title)s” (%(number)s)") % {
            "title": document.title,
            "number": document.number,
        }
    else:
        title = _("Receipts of “%(document)s”") % {"document": document.title}
    return build_workbook(
        title, receipt_headers(), receipt_rows(document, today), sheet=_("Receipts")
    )
