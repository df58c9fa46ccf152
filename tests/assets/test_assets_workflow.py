"""The version workflow table, every (from, to) pair x every role: allowed moves happen, others are refused."""

from itertools import product

import pytest
from sqlmodel import Session

from tracker.assets import service
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, VersionStatus
from tracker.assets.workflow import VERSION_TRANSITIONS
from tracker.auth.roles import Role
from tracker.errors import InvalidTransition, PermissionDenied
from tracker.workflow import allowed_moves

PAIRS = [(a, b) for a, b in product(VersionStatus, VersionStatus) if a != b]


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("start, to", PAIRS, ids=lambda s: s.value)
def test_every_transition_for_every_role(engine, app, make_user, signed_off, role, start, to):
    user = make_user(role)
    with Session(engine, expire_on_commit=False) as session:
        asset = ProcessAsset(title="Checklist", kind=AssetKind.CHECKLIST, owner_id=user.id)
        session.add(asset)
        session.flush()
        version = AssetVersion(asset_id=asset.id, label="1.0", status=start)
        session.add(version)
        session.commit()
        seen = signed_off(version).version  # the document-control gate is tested in test_version_content.py
        session.refresh(version)
        move = VERSION_TRANSITIONS.get((start, to))
        if move is not None and role in move.roles:
            service.move_version(session, version=version, to=to, seen=seen, by=user)
            assert version.status == to
        else:
            expected = PermissionDenied if role != Role.PROCESS_GROUP else InvalidTransition
            with pytest.raises(expected):
                service.move_version(session, version=version, to=to, seen=seen, by=user)
            session.refresh(version)
            assert version.status == start


def test_buttons_come_from_the_same_table():
    assert [to for to, _ in allowed_moves(VERSION_TRANSITIONS, VersionStatus.DRAFT, Role.PROCESS_GROUP)] == [
        VersionStatus.RELEASED]
    assert allowed_moves(VERSION_TRANSITIONS, VersionStatus.DRAFT, Role.STEERING) == []
    assert allowed_moves(VERSION_TRANSITIONS, VersionStatus.RETIRED, Role.PROCESS_GROUP) == []
