"""The demo's appraisals (OPF SP 1.2): the SCAMPI B of the engineering process areas that started the year's
work (its VER weakness became the checklist proposal), the reappraisal cadences, and the A2I self-assessment of
the service desk now being planned."""

from sqlmodel import select
from werkzeug.datastructures import MultiDict

from tracker.appraisals import cadence, questionnaire, service
from tracker.appraisals.forms import (
    AppraisalInput,
    AppraisalMoveInput,
    CadenceInput,
    FindingInput,
    ParticipantInput,
    QuestionInput,
    RatingInput,
)
from tracker.demo.story import SET_UP, Story
from tracker.process_areas.models import ProcessArea
from tracker.validation import parse

# day, kind, area, project (or None), statement, evidence
FINDINGS = [
    (-347, "weakness", "VER", "PAY",
     "Peer reviews are walkthroughs without a checklist: each reviewer looks for what they happen to know, and "
     "the same kinds of design defect reach system test release after release.",
     "9 of last year's 14 escaped defects were interface or error-handling design defects; PAY review records "
     "show no review criteria."),
    (-346, "strength", "PP", None,
     "Project plans are complete and kept current: every sampled project re-planned at each milestone.",
     "Plan baselines and re-plans for PAY and DW."),
    (-345, "opportunity", "PP", "DW",
     "Estimates come from one expert's judgement although the measurement repository holds comparable "
     "releases.", "DW release 2 estimate worksheet; the repository's five PAY releases."),
    (-344, "weakness", "REQM", "DW",
     "Changes to agreed requirements are not traced to the work products they affect.",
     "Three DW change requests without impact analysis."),
]


# The SCAMPI A of two years before, entered when the tracker was set up: its ratings start the ratings chart.
RATINGS = [("PP", "satisfied", 2), ("REQM", "partially", 1), ("VER", "not_satisfied", 1), ("CM", "satisfied", 2),
           ("PPQA", "partially", 1)]


def appraisal_events(story: Story) -> None:
    story.on(SET_UP + 3, lambda: _earlier_scampi_a(story))
    story.on(-365, lambda: _plan_scampi(story))
    for day, to in ((-360, "preparation"), (-350, "execution"), (-342, "reporting"), (-336, "aftercare"),
                    (-300, "completed")):
        story.on(day, lambda to=to: _move(story, "scampi", to))
    for day, *finding in FINDINGS:
        story.on(day, lambda finding=finding: _finding(story, *finding))
    story.on(-299, lambda: _cadences(story))
    story.on(-20, lambda: _question_bank(story))
    story.on(-18, lambda: _plan_self_assessment(story))
    story.on(-10, lambda: _move(story, "a2i", "preparation"))
    story.on(-8, lambda: _participants(story))


def _area_ids(story: Story, *codes: str) -> list[str]:
    found = dict(story.session.exec(select(ProcessArea.code, ProcessArea.id)).all())
    return [str(found[code]) for code in codes]


def _plan(story: Story, key: str, fields: dict, *, team: list[str], projects: list[str], areas: list[str]) -> None:
    form = MultiDict(fields | {"sponsor_id": str(story.users["steering"].id),
                               "lead_appraiser_id": str(story.users["sepg"].id)})
    form.setlist("team_ids", [str(story.users[name].id) for name in team])
    form.setlist("project_ids", [str(story.made[code].id) for code in projects])
    form.setlist("area_ids", _area_ids(story, *areas))
    story.made[key] = service.create_appraisal(story.session, data=parse(AppraisalInput, form),
                                               by=story.users["sepg"])


def _earlier_scampi_a(story: Story) -> None:
    _plan(story, "scampi-a", {
        "title": "SCAMPI A benchmark", "reference_model": "cmmi_dev", "method": "scampi_a",
        "scope_notes": "The benchmark appraisal two years ago, recorded from its final findings presentation.",
        "preparation_on": story.date(-780), "execution_on": story.date(-760), "reporting_on": story.date(-752),
        "aftercare_on": story.date(-745), "completion_on": story.date(-730)},
        team=["quality"], projects=["PAY"], areas=[code for code, *_ in RATINGS])
    for to in ("preparation", "execution", "reporting"):
        _move(story, "scampi-a", to)
    for code, value, level in RATINGS:
        service.rate(story.session, appraisal=story.made["scampi-a"], by=story.users["sepg"], data=RatingInput(
            area_id=_area_ids(story, code)[0], value=value, capability_level=level))
    for to in ("aftercare", "completed"):
        _move(story, "scampi-a", to)


def _plan_scampi(story: Story) -> None:
    _plan(story, "scampi", {
        "title": "SCAMPI B of the engineering process areas", "reference_model": "cmmi_dev", "method": "scampi_b",
        "scope_notes": "The process areas the steering committee named as the year's focus, on the two projects "
                       "furthest along.",
        "resources": "Sam (lead appraiser), Quinn and Lara; two days of interviews per project.",
        "logistics": "Interviews in the project rooms; documents from the project repositories.",
        "preparation_on": story.date(-360), "execution_on": story.date(-350), "reporting_on": story.date(-342),
        "aftercare_on": story.date(-336), "completion_on": story.date(-300)},
        team=["quality", "lead2"], projects=["PAY", "DW"], areas=["VER", "PP", "REQM"])


def _move(story: Story, key: str, to: str) -> None:
    appraisal = story.made[key]
    service.move_appraisal(story.session, appraisal=appraisal, by=story.users["sepg"],
                           data=AppraisalMoveInput(to=to, version=appraisal.version))


def _finding(story: Story, kind: str, area: str, project: str | None, statement: str, evidence: str) -> None:
    form = MultiDict({"kind": kind, "area_id": _area_ids(story, area)[0], "statement": statement,
                      "evidence": evidence, "project_id": str(story.made[project].id) if project else ""})
    finding = service.record_finding(story.session, appraisal=story.made["scampi"],
                                     data=parse(FindingInput, form), by=story.users["quality"])
    story.made[f"finding-{area}-{kind}"] = finding


def _cadences(story: Story) -> None:
    for scope, area, months in (("organization", None, 24), ("process_area", "VER", 12), ("process_area", "PP", 6),
                                ("process_area", "ITS-SRIM", 12)):
        form = MultiDict({"scope": scope, "months": str(months),
                          "area_id": _area_ids(story, area)[0] if area else ""})
        cadence.set_cadence(story.session, data=parse(CadenceInput, form), by=story.users["sepg"])


def _plan_self_assessment(story: Story) -> None:
    _plan(story, "a2i", {
        "title": "A2I self-assessment of the service desk", "reference_model": "it_service_cmm", "method": "a2i",
        "scope_notes": "Incident handling has never been assessed; two long outages this year.",
        "resources": "Quinn leads; every service desk analyst answers the questionnaire (30 minutes).",
        "logistics": "Questionnaire in the tracker; feedback meeting with all of OPS.",
        "preparation_on": story.date(-10), "execution_on": story.date(14), "reporting_on": story.date(35),
        "aftercare_on": story.date(45), "completion_on": story.date(90)},
        team=["quality", "lead2"], projects=["OPS"], areas=["ITS-SRIM", "ITS-SCM"])


QUESTIONS = [
    ("ITS-SRIM", "Every incident and service request is logged with its priority when it arrives."),
    ("ITS-SRIM", "An incident is closed only after the user confirms the service works again."),
    ("ITS-SRIM", "Incidents that recur are analysed for a common cause."),
    ("ITS-SCM", "Service levels are agreed in writing with each customer."),
    ("ITS-SCM", "Service levels are reviewed with the customer when the service changes."),
]


def _question_bank(story: Story) -> None:
    for code, text in QUESTIONS:
        form = MultiDict({"area_id": _area_ids(story, code)[0], "text": text})
        questionnaire.add_question(story.session, data=parse(QuestionInput, form), by=story.users["quality"])


def _participants(story: Story) -> None:
    appraisal = story.made["a2i"]
    for name in ("member", "member2", "lead2"):
        form = MultiDict({"user_id": str(story.users[name].id), "project_id": str(story.made["OPS"].id)})
        questionnaire.add_participant(story.session, appraisal=appraisal, data=parse(ParticipantInput, form),
                                      by=story.users["quality"])
