"""The refusals of the leads area: `LeadError` (a refused lead or visit
change, on the field it concerns) and `DuplicateWarning` (saving waits for
the person to pick the company or confirm a 撞单)."""

from __future__ import annotations

from flask_babel import gettext as _

from app.companies.services import Follower, Match
from app.models import Company
from app.refusals import Refusal


class LeadError(Refusal):
    """A refused lead change; `field` names the form field it concerns."""


class DuplicateWarning(LeadError):  # noqa: N818 - a request to confirm, not a failure
    """Saving must wait for the person: `choose` — the company typed may be
    one already on file (pick one or say it is new); `confirm` — the company
    is followed by another department (撞单), save anyway?"""

    quiet = True  # the form shows the question with the matches

    def __init__(
        self,
        kind: str,
        *,
        matches: list[Match] | None = None,
        company: Company | None = None,
        followers: dict[int, list[Follower]] | None = None,
        same_name: bool = False,
    ) -> None:
        if same_name:
            message = _("企业库中已有同名企业。确属另一家企业，请勾选「确认新建同名企业」后再保存。")
        elif kind == "choose":
            message = _("企业库中可能已有该企业，请选择或确认新建。")
        else:
            message = _("该企业已有其他部门跟进（撞单），请确认后再保存。")
        super().__init__(message, "company_name")
        self.kind = kind
        self.matches = matches or []
        self.company = company
        self.followers = followers or {}
        self.same_name = same_name  # 'new' was chosen for a name identical to one on file
