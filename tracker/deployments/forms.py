"""Input models for deployments, status rows and the standard set."""


from pydantic import Field

from tracker.deployments.models import RowStatus
from tracker.projects.models import Phase
from tracker.validation import Day, FormModel, Id, Version, chosen, text


class DeploymentInput(FormModel):
    title: text(200)
    version_ids: chosen("Choose the asset versions to deploy.")
    project_ids: chosen("Choose the target projects.")
    target_date: Day
    approach: text(4000, required=False) = ""
    training_required: bool = False
    training_material: text(2000, required=False) = ""
    support_material: text(2000, required=False) = ""
    plan_id: Id | None = None
    override_reason: text(2000, required=False) = ""


class RowMoveInput(FormModel):
    to: RowStatus
    rationale: text(2000, required=False) = ""  # the reason, for not applicable
    notes: text(2000, required=False) = ""
    version: Version


class StandardSetInput(FormModel):
    asset_id: Id
    phases: list[Phase] = Field(default_factory=list)
    guidance: text(4000, required=False) = ""


class OverrideInput(FormModel):
    """A one-step deployment (standard set, drift): the reason, if a piloted version has no adopt decision."""

    override_reason: text(2000, required=False) = ""
