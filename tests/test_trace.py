"""Traceability both ways: proposal -> plan -> pilot -> asset version, and back, on every page."""

from tracker.action_plans.models import PlanStatus
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset
from tracker.auth.roles import Role
from tracker.pilots.models import PilotDecision, PilotStatus
from tracker.proposals.models import ProposalStatus


def test_every_record_links_to_where_it_came_from_and_what_it_led_to(client, login_as, make_user, make_objective,
                                                                    make_proposal, make_plan, make_pilot, db):
    login_as(Role.MEMBER)
    objective = make_objective(name="Fewer escaped defects")
    asset = ProcessAsset(title="Peer review procedure", kind=AssetKind.PROCEDURE, owner_id=make_user().id)
    db.add(asset)
    db.flush()
    version = AssetVersion(asset_id=asset.id, label="1.1")
    db.add(version)
    db.commit()
    proposal = make_proposal(ProposalStatus.PLANNED, title="Checklist reviews", objectives=[objective], assets=[asset])
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Review plan", proposals=[proposal], objectives=[objective])
    pilot = make_pilot(plan, versions=[version], title="PAY pilot", status=PilotStatus.DECIDED,
                       decision=PilotDecision.ADOPT)

    links = {
        f"/proposals/{proposal.id}": [f"/plans/{plan.id}", f"/pilots/{pilot.id}", f"/assets/{asset.id}",
                                      f"/objectives/{objective.id}"],
        f"/plans/{plan.id}": [f"/proposals/{proposal.id}", f"/pilots/{pilot.id}", f"/assets/{asset.id}",
                              f"/objectives/{objective.id}"],
        f"/pilots/{pilot.id}": [f"/plans/{plan.id}", f"/assets/{asset.id}"],
        f"/assets/{asset.id}": [f"/proposals/{proposal.id}", f"/pilots/{pilot.id}", f"/plans/{plan.id}"],
        f"/objectives/{objective.id}": [f"/proposals/{proposal.id}", f"/plans/{plan.id}"],
    }
    for page_url, targets in links.items():
        page = client.get(page_url).get_data(as_text=True)
        for target in targets:
            assert f'href="{target}"' in page, f"{page_url} should link to {target}"
