"""The review of a lesson learned by the process group."""

from tracker.auth.roles import PG
from tracker.lessons.models import LessonStatus as L
from tracker.workflow import Move, Transitions

LESSON_TRANSITIONS: Transitions = {
    (L.NEW, L.REVIEWED): Move("Mark reviewed", roles=PG),
    (L.NEW, L.ARCHIVED): Move("Archive", roles=PG, rationale=True),
    (L.REVIEWED, L.INCORPORATED): Move("Incorporated", roles=PG),  # names the asset version that took it in
    (L.REVIEWED, L.ARCHIVED): Move("Archive", roles=PG, rationale=True),
    (L.ARCHIVED, L.REVIEWED): Move("Restore", roles=PG),
    # Made by "convert to proposal", which creates the proposal in the same transaction.
    (L.NEW, L.CONVERTED): Move("Converted", automatic=True),
    (L.REVIEWED, L.CONVERTED): Move("Converted", automatic=True),
}
