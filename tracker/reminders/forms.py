"""Input models: a person's reminder settings, an admin's settings of a rule."""

from tracker.auth.models import ReminderEmail
from tracker.reminders.models import Recipients
from tracker.validation import FormModel, Version, whole_number


class PreferenceInput(FormModel):
    reminder_email: ReminderEmail


class RuleInput(FormModel):
    enabled: bool = False  # an unticked box is not sent
    days: whole_number(0, 365)
    recipients: Recipients
    version: Version
