"""What a compliance audit's page shows (SP 3.3, GP 2.9): the project's deployed versions in scope with the
results recorded for each, the tailorings approved for it, the noncompliances and the proposals they led to, the
people who may own one, and the history. One function, one dataclass, a fixed number of queries: every post on
the page changes what several of its parts show (a result, a noncompliance, the status), so it is read whole."""

from dataclasses import dataclass

from sqlmodel import Session

from tracker.assets.models import AssetVersion
from tracker.compliance import service
from tracker.compliance.models import AuditResult, ComplianceAudit, Noncompliance
from tracker.history.service import HistoryEntry, history
from tracker.lessons.models import Lesson
from tracker.lessons.service import drawn_from
from tracker.proposals.models import Proposal, SourceEntity
from tracker.proposals.sources import attached_from, proposals_from
from tracker.tailoring.models import TailoringRecord


@dataclass(frozen=True)
class AuditPage:
    audit: ComplianceAudit
    scope: list[AssetVersion]  # what the project uses now: what a planned audit records results for
    results: dict[int, AuditResult]  # by asset version id
    recorded_beyond: list[AssetVersion]  # versions with a result recorded that the project no longer uses (shown as
    # recorded: a walk-through found a completed audit's results vanish when a row moved back)
    tailorings: list[TailoringRecord]
    noncompliances: list[Noncompliance]
    proposals_from: dict[int, list[Proposal]]  # by noncompliance id
    attached: dict[int, list[Proposal]]  # by noncompliance id: the proposals raised before it was attached to
    history: list[HistoryEntry]
    noncompliance_history: list[HistoryEntry]  # each entry names its noncompliance
    lessons: list[Lesson]  # learned from the audit


def read_page(session: Session, audit: ComplianceAudit) -> AuditPage:
    noncompliances = service.noncompliances(session, audit_id=audit.id)
    scope = service.scope(session, project_id=audit.project_id)
    in_scope = {version.id for version in scope}
    return AuditPage(
        audit=audit, scope=scope, results={result.asset_version_id: result for result in audit.results},
        recorded_beyond=sorted((result.asset_version for result in audit.results
                                if result.asset_version_id not in in_scope), key=lambda v: (v.asset_id, v.id)),
        tailorings=service.approved_tailorings(session, project_id=audit.project_id),
        noncompliances=noncompliances,
        proposals_from=proposals_from(session, entity=SourceEntity.NONCOMPLIANCE,
                                      ids=[item.id for item in noncompliances]),
        attached=attached_from(session, entity=SourceEntity.NONCOMPLIANCE, ids=[item.id for item in noncompliances]),
        history=history(session, entity="compliance_audit", entity_ids=[audit.id]),
        noncompliance_history=history(session, entity="noncompliance", entity_ids=[item.id for item in noncompliances]),
        lessons=drawn_from(session, field="audit_id", record_id=audit.id),
    )
