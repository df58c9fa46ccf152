"""Input models: a personal access token as its owner makes it."""

from datetime import timedelta

from pydantic import field_validator

from tracker.api.models import Scope
from tracker.db import utcnow
from tracker.validation import Day, FormModel, text

LONGEST_DAYS = 366  # a token lives a year at most: one forgotten in a script stops working by itself


class TokenInput(FormModel):
    name: text(100)
    scope: Scope
    expires_on: Day

    @field_validator("expires_on")
    @classmethod
    def _within_a_year(cls, value):
        today = utcnow().date()
        if value < today:
            raise ValueError("choose today or a later day")
        if value > today + timedelta(days=LONGEST_DAYS):
            raise ValueError(f"choose a day within a year (by {(today + timedelta(days=LONGEST_DAYS)).isoformat()})")
        return value
