"""Input models for process assets and their versions."""

from pydantic import Field

from tracker.assets.models import AssetKind, VersionStatus
from tracker.validation import FormModel, Id, Version, text


class AssetInput(FormModel):
    title: text(200)
    kind: AssetKind
    owner_id: Id
    description: text(4000, required=False) = ""
    area_ids: list[Id] = Field(default_factory=list)
    version: Version | None = None


class VersionInput(FormModel):
    label: text(40)
    change_notes: text(4000, required=False) = ""


class MoveInput(FormModel):
    to: VersionStatus
    version: Version
