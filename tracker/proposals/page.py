"""What a proposal's page shows (SP 2.1 and the source it came from), read as a whole or one section at a time:
a comment re-renders the comments alone and reads only them, not the duplicate candidates, trace or history."""

from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlmodel import Session

from tracker import trace
from tracker.db import utcnow
from tracker.history.service import HistoryEntry, history
from tracker.objectives.service import assessments
from tracker.proposals import service, sources
from tracker.proposals.models import Proposal
from tracker.proposals.sources import SourceLink
from tracker.reviews.service import decided_in
from tracker.trace import Trace


@dataclass(frozen=True)
class ProposalPage:
    """The parts of the page; a section read alone leaves the parts it does not show as None."""
    proposal: Proposal
    comments: service.Comments | None = None
    trace: Trace | None = None
    source_link: SourceLink | None = None
    behind: list[SourceLink] | None = None  # the records attached to it since it was raised
    history: list[HistoryEntry] | None = None
    objectives: dict[int, tuple] | None = None  # objective id -> (objective, whether it is on track)
    decided_in: list | None = None  # the steering reviews that decided on it


_READ: dict[str, Callable[[Session, Proposal], object]] = {
    "comments": lambda session, proposal: service.comments(session, proposal_id=proposal.id),  # the latest
    "trace": lambda session, proposal: trace.of_proposal(session, proposal),
    "source_link": lambda session, proposal: sources.link_of(session, proposal),
    "behind": lambda session, proposal: sources.behind(session, proposal),
    "history": lambda session, proposal: history(session, entity="proposal", entity_ids=[proposal.id]),
    "decided_in": lambda session, proposal: decided_in(session, entity="proposal", entity_id=proposal.id),
    "objectives": lambda session, proposal: assessments(session, objective_ids=[o.id for o in proposal.objectives],
                                                        today=utcnow().date()),
}

SECTIONS: dict[str, tuple[str, ...]] = {
    "page": tuple(field.name for field in fields(ProposalPage) if field.name != "proposal"),
    "comments": ("comments",),
}


def read_page(session: Session, proposal: Proposal, *, section: str = "page", all_comments: bool = False) -> ProposalPage:
    """The whole page's parts, or only those of one section (a key of SECTIONS); its latest comments, or all."""
    read = _READ | ({"comments": lambda session, proposal: service.comments(session, proposal_id=proposal.id,
                                                                             everything=True)} if all_comments else {})
    return ProposalPage(proposal=proposal, **{part: read[part](session, proposal) for part in SECTIONS[section]})
