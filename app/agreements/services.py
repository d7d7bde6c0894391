"""Agreement rules: recording an agreement on a project (and the stage move
it implies), editing it under optimistic locking, archiving and restoring,
and signing events (签约活动). Every change is audited in the caller's
transaction; views commit.

The counting rule for signed projects lives in `app.counting`
and is re-exported here (`signed_amount_subquery`, `signed_amount`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import archive, audit, clock
from app.concurrency import check_version
from app.counting import (
    counted_amount,
    counted_amount_expression,
    signed_amount,
    signed_amount_subquery,
)
from app.db import db
from app.models import STAGE_ORDER, Agreement, AgreementKind, Project, SigningEvent, Stage, User
from app.projects.services import StageError, move_stage
from app.refusals import Refusal

__all__ = [
    "AGREEMENT_FIELDS",
    "AgreementError",
    "archive_agreement",
    "counted_amount",
    "counted_amount_expression",
    "create_event",
    "record_agreement",
    "restore_agreement",
    "signed_amount",
    "signed_amount_subquery",
    "update_agreement",
    "update_event",
]

AGREEMENT_FIELDS = (
    "kind",
    "signed_on",
    "signing_event_id",
    "agreed_investment",
    "is_capital_increase",
    "foreign_investment",
    "our_signatory",
    "their_signatory",
    "land_area",
    "committed_output",
    "committed_tax",
    "committed_construction_on",
    "committed_production_on",
    "notes",
)
MONEY_FIELDS = ("agreed_investment", "foreign_investment", "land_area", "committed_output", "committed_tax")
MONEY_QUANTUM = Decimal("0.0001")
AREA_QUANTUM = Decimal("0.01")
EVENT_FIELDS = ("name", "held_on", "place", "organizer_department_id")


class AgreementError(Refusal):
    """A refused agreement or event change; `field` names the form field."""


# --- validation ---------------------------------------------------------------


def _validate(data: dict[str, Any], today: dt.date) -> None:
    """The rules a form alone cannot be trusted with (the API and CLI call
    these services too)."""
    kind = data.get("kind")
    if not isinstance(kind, AgreementKind):
        raise AgreementError(_("请选择协议类型。"), "kind")
    signed_on = data.get("signed_on")
    if signed_on is None:
        raise AgreementError(_("请填写签约日期。"), "signed_on")
    if signed_on > today:
        raise AgreementError(_("签约日期不能晚于今天（%(today)s）。", today=today.isoformat()), "signed_on")
    if data.get("agreed_investment") is None:
        raise AgreementError(_("请填写协议投资额（万元）。"), "agreed_investment")
    for field in MONEY_FIELDS:
        value = data.get(field)
        if value is not None and Decimal(value) < 0:
            raise AgreementError(_("数值不能为负数。"), field)
    if data.get("is_capital_increase") and kind is not AgreementKind.SUPPLEMENTARY:
        raise AgreementError(_("只有补充协议可以标记为增资。"), "is_capital_increase")
    construction, production = data.get("committed_construction_on"), data.get("committed_production_on")
    if construction and production and production < construction:
        raise AgreementError(_("承诺投产日期不能早于承诺开工日期。"), "committed_production_on")
    event_id = data.get("signing_event_id")
    if event_id is not None and db.session.get(SigningEvent, event_id) is None:
        raise AgreementError(_("所选签约活动不存在。"), "signing_event_id")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out = {field: data.get(field) for field in AGREEMENT_FIELDS}
    for field in ("our_signatory", "their_signatory", "notes"):
        out[field] = (out[field] or "").strip() or None
    out["is_capital_increase"] = bool(out["is_capital_increase"])
    # At the column's scale, so an unchanged value audits as unchanged.
    for field in MONEY_FIELDS:
        value = out[field]
        if isinstance(value, Decimal) and value.is_finite():
            out[field] = value.quantize(AREA_QUANTUM if field == "land_area" else MONEY_QUANTUM)
    return out


# --- agreements ---------------------------------------------------------------


def record_agreement(project: Project, data: dict[str, Any], actor: User, *, today: dt.date | None = None) -> Agreement:
    """Record an agreement on `project`. A project before `signed` moves to
    `signed` on the signing date (one StageChange); one already signed or
    further along is left where it is."""
    today = today or clock.today()
    data = _clean(data)
    _validate(data, today)
    if project.stage is Stage.EXITED:
        raise AgreementError(_("项目已退出，须由管理员重新启用后才能录入协议。"))

    agreement = Agreement(project_id=project.id, created_by_id=actor.id, **data)
    db.session.add(agreement)
    db.session.flush()
    audit.record(
        "create",
        "agreement",
        agreement.id,
        changes={"project_id": project.id, **audit.snapshot(agreement, AGREEMENT_FIELDS)},
        summary=_("%(project)s：%(kind)s", project=project.name, kind=agreement.kind.label),
        user_id=actor.id,
    )
    if STAGE_ORDER.index(project.stage) < STAGE_ORDER.index(Stage.SIGNED):
        note = _("签订%(kind)s（%(date)s）", kind=agreement.kind.label, date=agreement.signed_on.isoformat())
        try:
            move_stage(project, Stage.SIGNED, actor, note=note, on=agreement.signed_on)
        except StageError as exc:
            raise AgreementError(str(exc), exc.field) from exc
    return agreement


def update_agreement(
    agreement: Agreement, data: dict[str, Any], actor: User, version: Any, *, today: dt.date | None = None
) -> dict[str, list[Any]]:
    """Save an edit made on version `version`; StaleEdit when someone
    saved in between. Returns the audited {field: [old, new]}."""
    check_version(agreement, "agreement", version)
    today = today or clock.today()
    data = _clean(data)
    _validate(data, today)
    before = audit.snapshot(agreement, AGREEMENT_FIELDS)
    for field, value in data.items():
        setattr(agreement, field, value)
    changes = audit.diff(before, audit.snapshot(agreement, AGREEMENT_FIELDS))
    if changes:
        db.session.flush()
        audit.record(
            "update",
            "agreement",
            agreement.id,
            changes=changes,
            summary=_("%(project)s：%(kind)s", project=agreement.project.name, kind=agreement.kind.label),
            user_id=actor.id,
        )
        if "signed_on" in changes:
            _follow_signing_date(agreement.project, before["signed_on"], actor)
    return changes


def _follow_signing_date(project: Project, old_date: str | None, actor: User) -> None:
    """When the agreement whose date the project was signed on is corrected,
    the project's 签约日期 (and every count that reads it) follows: the
    earliest live agreement's date."""
    if project.signed_on is None or old_date != project.signed_on.isoformat():
        return
    earliest = db.session.scalar(
        sa.select(sa.func.min(Agreement.signed_on)).where(
            Agreement.project_id == project.id, Agreement.archived_at.is_(None)
        )
    )
    if earliest is None or earliest == project.signed_on:
        return
    audit.record(
        "update",
        "project",
        project.id,
        changes={"signed_on": [project.signed_on.isoformat(), earliest.isoformat()]},
        summary=_("%(project)s：签约日期随协议更正", project=project.name),
        user_id=actor.id,
    )
    project.signed_on = earliest


def archive_agreement(agreement: Agreement, actor: User, reason: str | None = None) -> None:
    """Archive (never delete) through the app-wide archive (`app.archive`),
    with a reason: the agreement leaves lists and counts, admin can restore
    it. The project's stage is not moved back."""
    reason = (reason or "").strip()
    if not reason:
        raise AgreementError(_("归档须填写原因。"), "reason")
    try:
        archive.archive("agreement", agreement, actor, reason)
    except archive.ArchiveError as exc:
        raise AgreementError(str(exc)) from exc


def restore_agreement(agreement: Agreement, actor: User) -> None:
    try:
        archive.restore("agreement", agreement, actor)
    except archive.ArchiveError as exc:
        raise AgreementError(str(exc)) from exc


# --- signing events -------------------------------------------------------------


def _clean_event(data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    out = {field: data.get(field) for field in EVENT_FIELDS}
    out["name"] = (out["name"] or "").strip()
    out["place"] = (out["place"] or "").strip() or None
    if not out["name"]:
        raise AgreementError(_("请填写签约活动名称。"), "name")
    if out["held_on"] is None:
        raise AgreementError(_("请填写签约活动日期。"), "held_on")
    if out["held_on"] > today + dt.timedelta(days=366):
        raise AgreementError(_("签约活动日期有误，请核对。"), "held_on")
    return out


def create_event(data: dict[str, Any], actor: User, *, today: dt.date | None = None) -> SigningEvent:
    """A signing event (it may be planned ahead; agreements at it cannot be
    dated in the future)."""
    data = _clean_event(data, today or clock.today())
    duplicate = db.session.scalar(
        sa.select(SigningEvent.id).where(SigningEvent.name == data["name"], SigningEvent.held_on == data["held_on"])
    )
    if duplicate is not None:
        raise AgreementError(_("同名同日的签约活动已存在，请直接选择。"), "name")
    event = SigningEvent(created_by_id=actor.id, **data)
    db.session.add(event)
    db.session.flush()
    audit.record(
        "create",
        "signing_event",
        event.id,
        changes=audit.snapshot(event, EVENT_FIELDS),
        summary=event.name,
        user_id=actor.id,
    )
    return event


def update_event(event: SigningEvent, data: dict[str, Any], actor: User, *, today: dt.date | None = None) -> None:
    data = _clean_event(data, today or clock.today())
    before = audit.snapshot(event, EVENT_FIELDS)
    for field, value in data.items():
        setattr(event, field, value)
    changes = audit.diff(before, audit.snapshot(event, EVENT_FIELDS))
    if changes:
        audit.record("update", "signing_event", event.id, changes=changes, summary=event.name, user_id=actor.id)
