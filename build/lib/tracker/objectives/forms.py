"""Input model for business objectives."""

from tracker.validation import FormModel, Id, Version, text


class ObjectiveInput(FormModel):
    name: text(200)
    kpi: text(200)
    baseline: text(100, required=False) = ""
    target: text(100)
    owner_id: Id
    description: text(4000, required=False) = ""
    active: bool = False
    version: Version | None = None
