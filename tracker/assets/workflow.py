"""The life of an asset version: drafted, released to projects, retired."""

from tracker.assets.models import VersionStatus
from tracker.auth.roles import PG
from tracker.workflow import Move, Transitions

VERSION_TRANSITIONS: Transitions = {
    (VersionStatus.DRAFT, VersionStatus.RELEASED): Move("Release", roles=PG),
    (VersionStatus.RELEASED, VersionStatus.RETIRED): Move("Retire", roles=PG),
}
