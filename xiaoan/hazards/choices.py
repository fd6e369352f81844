from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaCode(models.TextChoices):
    """The six special-rectification areas (专项整治六块内容) of the seed."""

    VEHICLE = "vehicle", _("Student pick-up vehicle safety")
    BUILDING = "building", _("School building safety")
    FIRE = "fire", _("Fire safety")
    FOOD = "food", _("Food hygiene safety")
    LAB = "lab", _("Laboratory and hazardous chemicals safety")
    SECURITY = "security", _("Campus security and surroundings")


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    SELF_REPORT = "self_report", _("Self-report")
    PUBLIC_TIP = "public_tip", _("Public tip")


class HazardStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ASSIGNED = "assigned", _("Awaiting rectification")
    RECTIFYING = "rectifying", _("Rectifying")
    AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting verification")
    CLOSED = "closed", _("Rectified and closed")
    REJECTED = "rejected", _("Rejected")

    @classmethod
    def open_states(cls) -> list[str]:
        return [cls.REPORTED, cls.ASSIGNED, cls.RECTIFYING, cls.AWAITING_VERIFICATION]

    @classmethod
    def overdue_states(cls) -> list[str]:
        """States in which the school still owes the rectification (the deadline runs)."""
        return [cls.ASSIGNED, cls.RECTIFYING]


class EventKind(models.TextChoices):
    REPORTED = "reported", _("Hazard reported")
    ASSIGNED = "assigned", _("Rectification opinion issued")
    STARTED = "started", _("Rectification started")
    SUBMITTED = "submitted", _("Submitted for verification")
    VERIFIED = "verified", _("Verified and closed")
    VERIFICATION_FAILED = "verification_failed", _("Verification failed")
    REJECTED = "rejected", _("Rejected as unfounded")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    SUPERVISED = "supervised", _("Put under supervision")
    SUPERVISION_LIFTED = "supervision_lifted", _("Supervision lifted")
    EDITED = "edited", _("Details edited")
    PHOTO_ADDED = "photo_added", _("Photo added")
    IMPORTED = "imported", _("Imported from Excel")


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("Before rectification")
    AFTER = "after", _("After rectification")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
