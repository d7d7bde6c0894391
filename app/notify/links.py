"""The record a notification points to, stored as (record kind, id): which
model it is and the page that shows it. Inbox rows keep only the pair, so
opening one loads the record afresh and checks access again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.models import ApprovalItem, CompanyConflict, ImportBatch, Inspection, Lead, Problem, Project, User


@dataclass(frozen=True)
class RecordKind:
    model: type
    path: Callable[[Any], str]


RECORDS: dict[str, RecordKind] = {
    "project": RecordKind(Project, lambda p: f"/projects/{p.id}"),
    "problem": RecordKind(Problem, lambda p: f"/problems/{p.id}"),
    "lead": RecordKind(Lead, lambda lead: f"/leads/{lead.id}"),
    "approval_item": RecordKind(ApprovalItem, lambda item: f"/projects/{item.project_id}#approvals"),
    "conflict": RecordKind(CompanyConflict, lambda c: f"/companies/conflicts/{c.id}"),
    "import_batch": RecordKind(ImportBatch, lambda b: f"/imports/batches/{b.id}"),
    "inspection": RecordKind(Inspection, lambda i: f"/inspections/{i.id}"),
    # The leader's weekly desk summary points at the desk (its own page checks the role).
    "desk": RecordKind(User, lambda _user: "/projects/desk"),
}

KIND_OF_MODEL: dict[type, str] = {spec.model: name for name, spec in RECORDS.items() if name != "desk"}


def record_ref(obj: Any) -> tuple[str, int]:
    """The (record kind, id) a notification stores for `obj` (a leader
    stands for their desk)."""
    if isinstance(obj, User):
        return "desk", obj.id
    return KIND_OF_MODEL[type(obj)], obj.id


def path_of(record_kind: str, obj: Any) -> str:
    return RECORDS[record_kind].path(obj)
