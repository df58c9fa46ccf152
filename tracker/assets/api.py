"""Process assets through the JSON API: the library with the page's filters and sorts, an asset with its versions,
a version with its sign-offs, and a version's workflow moves (release, retire); the same services as the pages."""

from datetime import date, datetime
from typing import Literal

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field

from tracker.api import answer, body_of, endpoint, link, saved, versioned
from tracker.api.schemas import ListQuery, Ref, list_of, listed, sorts
from tracker.assets import service, versions
from tracker.assets.forms import MoveInput
from tracker.assets.models import AssetKind, AssetVersion, Capacity, ProcessAsset, VersionStatus
from tracker.db import get_session
from tracker.validation import Id

TAG = "Process assets"


def _version_ref(version: AssetVersion) -> Ref:
    return Ref(id=version.id, name=version.label, url=link("get_version", version_id=version.id))


class AssetOut(BaseModel):
    id: int
    title: str
    kind: AssetKind
    description: str
    owner: Ref
    areas: list[Ref]
    review_interval_months: int | None
    review_due_on: date | None = Field(description="When its released version is next due for review")
    current_version: Ref | None = Field(description="The newest released version: what projects should run")
    versions: list[Ref] = Field(description="Every version, the newest first")
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, asset: ProcessAsset) -> "AssetOut":
        current = asset.current_version
        return cls(**{name: getattr(asset, name) for name in (
            "id", "title", "kind", "description", "review_interval_months", "review_due_on", "created_at",
            "version")},
            owner=Ref(id=asset.owner.id, name=asset.owner.name), areas=[Ref(id=a.id, name=a.code) for a in asset.areas],
            current_version=_version_ref(current) if current is not None else None,
            versions=[_version_ref(v) for v in asset.versions],
            url=link("get_asset", asset_id=asset.id), html_url=url_for("assets.detail", asset_id=asset.id))


AssetList = list_of(AssetOut, "AssetList")


class AssetQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the title")
    kind: AssetKind | None = None
    area: Id | None = Field(default=None, description="A process area's id")
    has: VersionStatus | None = Field(default=None, description="Only assets with a version in this status")
    review: Literal["due"] | None = Field(default=None, description='"due": only assets whose periodic review '
                                                                     "has come due")
    mine: bool = Field(default=False, description="Only the assets you own")
    signoff: bool = Field(default=False, description="Only assets with a draft waiting for your sign-off")
    sort: sorts(service.LISTING) = service.LISTING.default


@endpoint("/assets", action="read", query=AssetQuery, out=AssetList, tag=TAG)
def list_assets(query: AssetQuery):
    """The process assets the filters select, by title unless `sort` says."""
    where = service.AssetFilter(q=query.q, kind=query.kind, area_id=query.area, has=query.has,
                                review_due=query.review == "due", owner_id=current_user.id if query.mine else None,
                                signoff_by=current_user if query.signoff else None)
    return listed(service.LISTING, service.assets_matching(where), query, out=AssetOut.of, answer_as=AssetList)


@endpoint("/assets/<int:asset_id>", action="read", out=AssetOut, tag=TAG)
def get_asset(asset_id: int):
    """One process asset, with its versions."""
    asset = service.get_asset(get_session(), asset_id=asset_id)
    return answer(AssetOut.of(asset), record=asset)


class ApprovalOut(BaseModel):
    capacity: Capacity
    approver: Ref
    comment: str
    approved_at: datetime
    counts: bool = Field(description="Given to the version as it is now, by someone who still has the capacity")


class VersionOut(BaseModel):
    id: int
    asset: Ref
    label: str
    status: VersionStatus
    release_date: date | None
    change_notes: str
    author: Ref | None
    link: str = Field(description="Where the organization keeps the document, if it is kept elsewhere")
    file_name: str
    file_type: str
    file_size: int | None
    signed_off: bool = Field(description="Both sign-offs count: the asset owner's and a process-group member's")
    approvals: list[ApprovalOut]
    release_refusal: str | None = Field(description="Why a draft may not be released yet (none: it may)")
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, version: AssetVersion) -> "VersionOut":
        counting = [version.approval_as(capacity) for capacity in Capacity]
        return cls(**{name: getattr(version, name) for name in (
            "id", "label", "status", "release_date", "change_notes", "link", "file_name", "file_type", "file_size",
            "signed_off", "created_at", "version")},
            asset=Ref(id=version.asset.id, name=version.asset.title,
                      url=link("get_asset", asset_id=version.asset_id)),
            author=Ref(id=version.author.id, name=version.author.name) if version.author else None,
            approvals=[ApprovalOut(capacity=a.capacity, approver=Ref(id=a.approver.id, name=a.approver.name),
                                   comment=a.comment, approved_at=a.approved_at, counts=any(a is counted for counted in counting))
                       for a in version.approvals],
            release_refusal=versions.release_refusal(version) if version.status == VersionStatus.DRAFT else None,
            url=link("get_version", version_id=version.id),
            html_url=url_for("assets.version", version_id=version.id))


VersionMoveBody = body_of(MoveInput, "VersionMove")


@endpoint("/assets/versions/<int:version_id>", action="read", out=VersionOut, tag=TAG)
def get_version(version_id: int):
    """One asset version, with its sign-offs."""
    version = versions.get_version(get_session(), version_id=version_id)
    return answer(VersionOut.of(version), record=version)


@endpoint("/assets/versions/<int:version_id>/moves", method="POST", action="asset.edit", body=VersionMoveBody,
          out=VersionOut, write=True, if_match=True, tag=TAG)
def move_version(version_id: int, body: VersionMoveBody):
    """Release a signed-off draft (dated today) or retire a released version (the process group)."""
    session = get_session()
    version = versions.get_version(session, version_id=version_id)
    data = versioned(MoveInput, body)
    return saved(lambda: service.move_version(session, version=version, to=data.to, seen=data.version,
                                              by=current_user),
                 read=lambda: versions.get_version(session, version_id=version_id), out=VersionOut.of)
