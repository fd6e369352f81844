"""Copy the notifications and the reminders-sent guard out of the reports app.

The old notifications were free text: they keep it, as the parameter `text` of the `legacy`
kind (with the kind they had as `was`). The guard rows are copied as they were.
"""

from django.db import migrations


def copy(apps, schema_editor):
    try:
        OldNotification = apps.get_model("reports", "Notification")
        OldLog = apps.get_model("reports", "ReminderLog")
    except LookupError:
        return
    Notification = apps.get_model("notifications", "Notification")
    ReminderLog = apps.get_model("notifications", "ReminderLog")
    for old in OldNotification.objects.order_by("pk").iterator():
        new = Notification.objects.create(
            recipient_id=old.recipient_id,
            kind="legacy",
            params={"text": old.text, "was": old.kind},
            link=old.link,
            read_at=old.read_at,
        )
        # auto_now_add/auto_now: the dates are put back after the row exists.
        Notification.objects.filter(pk=new.pk).update(
            created_at=old.created_at, updated_at=old.updated_at
        )
    ReminderLog.objects.bulk_create(
        ReminderLog(
            kind=old.kind, object_key=old.object_key, recipient_id=old.recipient_id, day=old.day
        )
        for old in OldLog.objects.iterator()
    )


def copy_back(apps, schema_editor):
    OldNotification = apps.get_model("reports", "Notification")
    OldLog = apps.get_model("reports", "ReminderLog")
    Notification = apps.get_model("notifications", "Notification")
    ReminderLog = apps.get_model("notifications", "ReminderLog")
    for new in Notification.objects.order_by("pk").iterator():
        params = new.params or {}
        OldNotification.objects.create(
            recipient_id=new.recipient_id,
            kind=params.get("was", new.kind)[:20],
            text=str(params.get("text", params))[:300],
            link=new.link,
            read_at=new.read_at,
        )
    OldLog.objects.bulk_create(
        OldLog(kind=o.kind[:20], object_key=o.object_key, recipient_id=o.recipient_id, day=o.day)
        for o in ReminderLog.objects.iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_notification_kind_and_parameters"),
        ("reports", "0003_reminder_kind_work_plan"),
    ]

    operations = [migrations.RunPython(copy, copy_back)]
