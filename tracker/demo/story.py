"""The demo's storytelling: a year of events, each run at its own moment, and the asset steps several chapters
share (tracker/demo/__init__.py tells the organization; pipeline.py and deployment.py the rest)."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session
from werkzeug.datastructures import MultiDict

from tracker import content
from tracker.assets import service as assets
from tracker.assets import versions
from tracker.assets.forms import ApprovalInput, VersionInput
from tracker.assets.models import VersionStatus
from tracker.auth.models import User
from tracker.db import clock_at
from tracker.validation import parse

SET_UP = -400  # the day the process group set the tracker up; every other day is counted from today


class Story:
    """The demo's year: events run in date order, each at its own moment of its day, so every record and history
    entry carries the story's date. Days count from `today` (negative: in the past)."""

    def __init__(self, session: Session, today: date) -> None:
        self.session, self.today = session, today
        self.events: list[tuple[int, int, Callable[[], object]]] = []
        self.made: dict[str, object] = {}  # what earlier events made, by name, for later ones
        self.users: dict[str, User] = {}  # by the local part of their email

    def on(self, day: int, action: Callable[[], object]) -> None:
        assert day < 0, "the story happens before today"
        self.events.append((day, len(self.events), action))

    def date(self, day: int | None) -> str:
        """A form's date field, `day` days from today ("" for none)."""
        return "" if day is None else (self.today + timedelta(days=day)).isoformat()

    def run(self) -> None:
        for order, (day, _, action) in enumerate(sorted(self.events)):
            moment = datetime.combine(self.today + timedelta(days=day), time(9), tzinfo=UTC)
            self.session.expire_all()  # each event reads the database afresh, as its own request would
            with clock_at(moment + timedelta(minutes=order % 480)):
                action()


def add_draft(story: Story, title: str, label: str, notes: str, link: str = "") -> None:
    story.made[(title, label)] = assets.add_version(story.session, asset=story.made[title], data=parse(
        VersionInput, MultiDict({"label": label, "change_notes": notes, "link": link})), by=story.users["sepg"])


def release(story: Story, title: str, label: str) -> None:
    """Release a version: its document kept (Markdown), signed off by the asset's owner (Sam, who drafted it) and
    by Quinn of the process group; the version it replaces stays released (projects drift until they redeploy)."""
    session, version = story.session, story.made[(title, label)]
    document = f"# {title} {label}\n\n## What changed\n\n{version.change_notes}\n".encode()
    name = f"{title.lower().replace(' ', '-')}-{label}.md"
    versions.attach_file(session, version=version, name=name, data=document, seen=version.version,
                         by=story.users["sepg"], rules=content.rules())
    for who, comment in (("sepg", "Content as agreed with the action team."), ("quality", "Reviewed against the "
                                                                                         "change notes.")):
        version = versions.get_version(session, version_id=version.id)
        versions.approve(session, version=version, data=ApprovalInput(comment=comment, version=version.version),
                         by=story.users[who])
    assets.move_version(session, version=version, to=VersionStatus.RELEASED, seen=version.version,
                        by=story.users["sepg"])


def retire(story: Story, title: str, label: str) -> None:
    version = story.made[(title, label)]
    assets.move_version(story.session, version=version, to=VersionStatus.RETIRED, seen=version.version,
                        by=story.users["sepg"])
