"""Evidence's file, as a download (everyone who may read the record may read its evidence)."""

from flask import Blueprint

from tracker import content
from tracker.auth.policy import requires
from tracker.db import get_session
from tracker.evidence.service import get_evidence

bp = Blueprint("evidence", __name__, url_prefix="/evidence")


@bp.get("/<int:evidence_id>/file")
@requires("read")
def download(evidence_id: int):
    session = get_session()
    return content.download(session, get_evidence(session, evidence_id=evidence_id))
