"""The background job of a city's or a province's collected campaign summary (`reports.jobs`
decides when a download becomes one)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xiaoan.campaigns.models import Campaign
from xiaoan.core import jobs
from xiaoan.core.models import Job
from xiaoan.reports.jobs import document_file

from .summary import collected_summary


def collected_summary_file(job: Job, progress: jobs.Progress) -> jobs.Output:
    """A city's or a province's campaign with its districts' summaries."""
    campaign = Campaign.objects.for_user(job.user).get(pk=job.params["campaign"])

    def district_done(done: int, total: int) -> None:
        progress(
            int(85 * done / max(total, 1)),
            _("%(done)s of %(total)s districts")
            % {
                "done": done,
                "total": total,
            },
        )

    document = collected_summary(campaign, job.user, progress=district_done)
    return document_file(document, job.params["format"], progress)
