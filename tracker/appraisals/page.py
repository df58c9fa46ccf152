"""What an appraisal's page shows (OPF SP 1.2): the plan, its findings with the proposals they led to and how far
each has come down the loop (the aftercare the sponsor monitors), its ratings, and its history. Read whole, or one
section at a time: recording a finding reads the findings, not the ratings or the history."""

from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlmodel import Session

from tracker import trace
from tracker.appraisals import questionnaire, service
from tracker.appraisals.models import Appraisal, Finding, Participant, Rating
from tracker.history.service import HistoryEntry, history
from tracker.process_areas.models import ProcessArea
from tracker.process_areas.service import list_areas
from tracker.proposals.models import Proposal, SourceEntity
from tracker.proposals.sources import attached_from, proposals_from
from tracker.trace import Trace


@dataclass(frozen=True)
class Findings:
    items: list[Finding]
    proposals: dict[int, list[Proposal]]  # by finding id
    progress: dict[int, Trace]  # by proposal id
    attached: dict[int, list[Proposal]]  # by finding id: the proposals raised before it was attached to


@dataclass(frozen=True)
class AppraisalPage:
    """The parts of the page; a section read alone leaves the parts it does not show as None."""
    appraisal: Appraisal
    findings: Findings | None = None
    ratings: list[Rating] | None = None
    participants: list[Participant] | None = None
    areas_all: list[ProcessArea] | None = None  # the areas a finding or rating may name when the scope lists none
    spread: list[questionnaire.Spread] | None = None  # the questionnaire's answers, for the team's eyes
    history: list[HistoryEntry] | None = None


def _findings(session: Session, appraisal: Appraisal) -> Findings:
    items = service.findings_of(session, appraisal_id=appraisal.id)
    proposals = proposals_from(session, entity=SourceEntity.FINDING, ids=[f.id for f in items])
    return Findings(items, proposals, trace.progress_of(session, [p.id for ps in proposals.values() for p in ps]),
                    attached_from(session, entity=SourceEntity.FINDING, ids=[f.id for f in items]))


_READ: dict[str, Callable[[Session, Appraisal], object]] = {
    "findings": _findings,
    "ratings": lambda session, appraisal: service.ratings_of(session, appraisal_id=appraisal.id),
    "participants": lambda session, appraisal: questionnaire.participants_of(session, appraisal_id=appraisal.id),
    "spread": lambda session, appraisal: questionnaire.spread(session, appraisal_id=appraisal.id),
    "areas_all": lambda session, appraisal: [] if appraisal.areas else list_areas(session),
    "history": lambda session, appraisal: history(session, entity="appraisal", entity_ids=[appraisal.id]),
}

SECTIONS: dict[str, tuple[str, ...]] = {
    "page": tuple(field.name for field in fields(AppraisalPage) if field.name != "appraisal"),
    "findings": ("findings", "areas_all"),
    "ratings": ("ratings", "areas_all"),
    "participants": ("participants",),
}


def read_page(session: Session, appraisal: Appraisal, *, section: str = "page") -> AppraisalPage:
    """The whole page's parts, or only those of one section (a key of SECTIONS)."""
    return AppraisalPage(appraisal=appraisal, **{part: _READ[part](session, appraisal) for part in SECTIONS[section]})
