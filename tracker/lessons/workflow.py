"""The review of a lesson learned by the process group."""

from tracker.auth.roles import PG
from tracker.lessons.models import LessonStatus
from tracker.workflow import Move, Transitions

LESSON_TRANSITIONS: Transitions = {
    (LessonStatus.NEW, LessonStatus.REVIEWED): Move("Mark reviewed", roles=PG),
    (LessonStatus.NEW, LessonStatus.ARCHIVED): Move("Archive", roles=PG, rationale=True),
    (LessonStatus.REVIEWED, LessonStatus.INCORPORATED): Move("Incorporated", roles=PG),  # names the asset version that took it in
    (LessonStatus.REVIEWED, LessonStatus.ARCHIVED): Move("Archive", roles=PG, rationale=True),
    (LessonStatus.ARCHIVED, LessonStatus.REVIEWED): Move("Restore", roles=PG),
    # Made by "convert to proposal", which creates the proposal in the same transaction.
    (LessonStatus.NEW, LessonStatus.CONVERTED): Move("Converted", automatic=True),
    (LessonStatus.REVIEWED, LessonStatus.CONVERTED): Move("Converted", automatic=True),
}
