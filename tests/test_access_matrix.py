"""The access-control matrix: every route of the app (HTML and API) × every
actor, with the expected outcome, walked against real records built through
the services (tests/factories_trust.py). A route of `app.url_map` without a
row here fails the suite, so a new page cannot ship without deciding who may
reach it.

Outcomes, one letter per actor in ACTORS order (anon, admin, leader
assigned to the project, another leader, staff of the owning department,
staff of another department, a team member from a third department,
viewer):

    A  allowed — anything but 403/404/sign-in (the page, a redirect after
       the action, or a 4xx about the harmless data sent to a write route)
    F  403
    N  404 (a record one may not see: no existence leak)
    L  sign-in needed — a redirect to /auth/login for pages, 401 for the API

Pages are fetched with GET; write routes get a POST with harmless or invalid
data, which is enough to see the gate. Routes that archive, delete or sign
out point at spare records (or come last), so one actor's walk never changes
a gate it checks later. API actors use bearer tokens, never the cookie.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests import factories_trust as ft

ACTORS = ft.ACTORS


@dataclass(frozen=True)
class Row:
    method: str
    rule: str
    expect: str
    # The concrete path, with {name} filled from the world's ids; defaults to
    # the rule with each <converter:arg> replaced by DEFAULT_IDS[arg].
    path: str | None = None
    data: dict[str, Any] | None = None
    json: Any = field(default=None)
    # Multipart fields for API uploads (sent without a file: the gate answers first).
    files: dict[str, Any] | None = None
    # Send last (sign-out, revoking the token in use).
    last: bool = False
    # Sign the actor in again first (after an earlier row signed them out).
    relogin: bool = False


# URL argument → the world record it points at, unless a row says otherwise.
DEFAULT_IDS = {
    "lead_id": "lead",
    "project_id": "project",
    "company_id": "company",
    "visit_id": "visit",
    "agreement_id": "agreement",
    "attachment_id": "attachment",
    "funding_id": "funding",
    "event_id": "event",
    "problem_id": "problem",
    "milestone_id": "milestone",
    "instruction_id": "instruction",
    "batch_id": "batch",
    "conflict_id": "conflict",
    "user_id": "target_user",
    "department_id": "own_dept",
    "item_id": "ref_item",
    "token_id": "spare_token",
    "report_id": "report",
    "year": "plan_year",  # the year of the world project's annual plan
    "campaign_id": "campaign",
    "meeting_id": "meeting",
    "approval_id": "approval_item",
    "activity_id": "activity",
    "review_id": "review",
    "entry_id": "review_entry",
    "criterion_id": "review_criterion",
    "reviewer_id": "review_reviewer",
    "chain_id": "chain",
    "segment_id": "chain_segment",
    "target_id": "chain_target",
    "inspection_id": "inspection",
}

# A version no record has: an allowed edit answers 409 and changes nothing.
STALE = {"version": 999999}

#                      anon admin leader_assigned leader_other staff_own staff_other team_member viewer
TABLE: list[Row] = [
    # --- public -----------------------------------------------------------------------
    Row("GET", "/static/<path:filename>", "AAAAAAAA", path="/static/css/app.css"),
    Row("GET", "/healthz", "AAAAAAAA"),
    Row("GET", "/money/preview/<currency>", "LAAAAAAA", path="/money/preview/cny?v=3.5亿"),
    Row("GET", "/favicon.ico", "AAAAAAAA"),
    Row("GET", "/auth/login", "AAAAAAAA"),
    Row("POST", "/auth/login", "AAAAAAAA", data={"username": "", "password": ""}),
    Row("GET", "/api/v1/openapi.json", "AAAAAAAA"),
    Row("GET", "/api/v1/docs", "AAAAAAAA"),
    Row("POST", "/api/v1/tokens", "AAAAAAAA", json={"username": "t_target", "password": ft.PASSWORD}),
    # --- home, own account --------------------------------------------------------------
    Row("GET", "/", "LAAAAAAA"),
    Row("GET", "/auth/password", "LAAAAAAA"),
    Row("POST", "/auth/password", "LAAAAAAA", data={}),
    Row("POST", "/auth/logout", "LAAAAAAA", last=True),
    # --- notifications (issue 23): one's own inbox; a notification not one's own is 404 -
    Row("GET", "/notifications/", "LAAAAAAA"),
    Row("GET", "/notifications/bell", "LAAAAAAA"),
    Row("GET", "/notifications/<int:notification_id>/open", "LNNNNNNN", path="/notifications/999999/open"),
    Row("POST", "/notifications/<int:notification_id>/read", "LNNNNNNN", path="/notifications/999999/read"),
    Row("POST", "/notifications/read-all", "LAAAAAAA"),
    Row("GET", "/notifications/settings", "LAAAAAAA"),
    Row("POST", "/notifications/settings", "LAAAAAAA", data={}),
    Row("GET", "/notifications/admin/channels", "LAFFFFFF"),
    Row("GET", "/notifications/admin/channels/new", "LAFFFFFF"),
    Row("POST", "/notifications/admin/channels/new", "LAFFFFFF", data={}),
    Row(
        "GET", "/notifications/admin/channels/<int:channel_id>", "LNFFFFFF", path="/notifications/admin/channels/999999"
    ),
    Row(
        "POST",
        "/notifications/admin/channels/<int:channel_id>",
        "LNFFFFFF",
        path="/notifications/admin/channels/999999",
        data={},
    ),
    Row(
        "POST",
        "/notifications/admin/channels/<int:channel_id>/test",
        "LNFFFFFF",
        path="/notifications/admin/channels/999999/test",
    ),
    Row("GET", "/notifications/admin/failed", "LAFFFFFF"),
    Row(
        "POST",
        "/notifications/admin/failed/<int:message_id>/retry",
        "LNFFFFFF",
        path="/notifications/admin/failed/999999/retry",
    ),
    # --- admin --------------------------------------------------------------------------
    Row("GET", "/admin/", "LAFFFFFF"),
    Row("GET", "/admin/users", "LAFFFFFF"),
    Row("GET", "/admin/users/new", "LAFFFFFF"),
    Row("POST", "/admin/users/new", "LAFFFFFF", data={}),
    Row("GET", "/admin/users/<int:user_id>", "LAFFFFFF"),
    Row("POST", "/admin/users/<int:user_id>", "LAFFFFFF", data={}),
    Row("POST", "/admin/users/<int:user_id>/active", "LAFFFFFF", data={}),
    Row("POST", "/admin/users/<int:user_id>/password", "LAFFFFFF", data={}),
    Row("POST", "/admin/users/<int:user_id>/unlock", "LAFFFFFF", data={}),
    Row("GET", "/admin/departments", "LAFFFFFF"),
    Row("GET", "/admin/departments/new", "LAFFFFFF"),
    Row("POST", "/admin/departments/new", "LAFFFFFF", data={}),
    Row("GET", "/admin/departments/<int:department_id>", "LAFFFFFF"),
    Row("POST", "/admin/departments/<int:department_id>", "LAFFFFFF", data={}),
    Row("GET", "/admin/lists/<kind>", "LAFFFFFF", path="/admin/lists/source"),
    Row("POST", "/admin/lists/<kind>", "LAFFFFFF", path="/admin/lists/source", data={}),
    Row("GET", "/admin/lists/<kind>/<int:item_id>", "LAFFFFFF", path="/admin/lists/source/{ref_item}"),
    Row("POST", "/admin/lists/<kind>/<int:item_id>", "LAFFFFFF", path="/admin/lists/source/{ref_item}", data={}),
    Row("GET", "/admin/workdays", "LAFFFFFF"),
    Row("POST", "/admin/workdays", "LAFFFFFF", data={}),
    Row("POST", "/admin/workdays/<day>/delete", "LAFFFFFF", path="/admin/workdays/2026-10-09/delete", data={}),
    Row("GET", "/admin/audit", "LAFFFFFF"),
    Row("GET", "/admin/archive", "LAFFFFFF"),
    Row(
        "POST",
        "/admin/archive/<entity>/<int:record_id>/restore",
        "LAFFFFFF",
        path="/admin/archive/lead/{archived_lead}/restore",
    ),
    # --- companies ----------------------------------------------------------------------
    Row("GET", "/companies/", "LAAAAAAA"),
    Row("GET", "/companies/<int:company_id>", "LAAAAAAA"),
    Row("GET", "/companies/new", "LAFFAAAF"),
    Row("POST", "/companies/new", "LAFFAAAF", data={}),
    Row("GET", "/companies/<int:company_id>/edit", "LAFFAAFF"),
    Row("POST", "/companies/<int:company_id>/edit", "LAFFAAFF", data={}),
    Row("GET", "/companies/check", "LAFFAAAF", path="/companies/check?company_name=华润"),
    Row("GET", "/companies/<int:company_id>/merge", "LAFFFFFF"),
    Row("POST", "/companies/<int:company_id>/merge", "LAFFFFFF", data={}),
    Row("GET", "/companies/conflicts", "LAFFFFFF"),
    Row("GET", "/companies/conflicts/<int:conflict_id>", "LAFFFFFF"),
    Row("POST", "/companies/conflicts/<int:conflict_id>", "LAFFFFFF", data={}),
    # --- leads and visits ---------------------------------------------------------------
    Row("GET", "/leads/", "LAAAAAAA"),
    Row("GET", "/leads/export.xlsx", "LAAAAAAA"),
    Row("GET", "/leads/new", "LAFFAAAF"),
    Row("POST", "/leads/new", "LAFFAAAF", data={}),
    Row("GET", "/leads/<int:lead_id>", "LAAAANNA"),
    Row("GET", "/leads/<int:lead_id>/edit", "LAFFANNF"),
    Row("POST", "/leads/<int:lead_id>/edit", "LAFFANNF", data={}),
    Row("POST", "/leads/<int:lead_id>/status", "LAFFANNF", data={}),
    Row("POST", "/leads/<int:lead_id>/shelve", "LAFFANNF", data={}),
    Row("POST", "/leads/<int:lead_id>/unshelve", "LAFFANNF", data={}),
    Row("GET", "/leads/<int:lead_id>/convert", "LAFFANNF"),
    Row("POST", "/leads/<int:lead_id>/convert", "LAFFANNF", data={}),
    Row("POST", "/leads/<int:lead_id>/archive", "LAFFANNF", path="/leads/{spare_lead}/archive"),
    Row("POST", "/leads/<int:lead_id>/visits", "LAFFANNF", data={}),
    Row("GET", "/leads/visits", "LAAAAAAA"),
    Row("GET", "/leads/visits/new", "LAFFANNF", path="/leads/visits/new?lead_id={lead}"),
    Row("POST", "/leads/visits/new", "LAFFANNF", path="/leads/visits/new?lead_id={lead}", data={}),
    Row("GET", "/leads/visits/<int:visit_id>/edit", "LAFFANNF"),
    Row("POST", "/leads/visits/<int:visit_id>/edit", "LAFFANNF", data={}),
    Row("POST", "/leads/visits/<int:visit_id>/done", "LAFFANNF"),
    Row("POST", "/leads/visits/<int:visit_id>/delete", "LAFFANNF", path="/leads/visits/{spare_visit}/delete"),
    # --- archive and delete any record --------------------------------------------------
    Row(
        "POST", "/records/<entity>/<int:record_id>/archive", "LAFFANNF", path="/records/project/{spare_project}/archive"
    ),
    Row("POST", "/records/<entity>/<int:record_id>/delete", "LAFFANNF", path="/records/lead/{delete_lead}/delete"),
    # --- projects -----------------------------------------------------------------------
    Row("GET", "/projects/", "LAAAAAAA"),
    Row("GET", "/projects/kanban", "LAAAAAAA"),
    Row("GET", "/projects/export.xlsx", "LAAAAAAA"),
    Row("GET", "/projects/desk", "LAAAFFFA"),
    Row("GET", "/projects/service-day", "LAAAAAAA"),
    Row("GET", "/projects/service-day.xlsx", "LAAAAAAA"),
    Row("GET", "/projects/new", "LAFFAAAF"),
    Row("POST", "/projects/new", "LAFFAAAF", data={}),
    Row("GET", "/projects/<int:project_id>", "LAAAANAA"),
    Row("GET", "/projects/<int:project_id>/edit", "LAFFANAF"),
    Row("POST", "/projects/<int:project_id>/edit", "LAFFANAF", data={}),
    Row("GET", "/projects/<int:project_id>/five-ones", "LAFFFNFF"),
    Row("POST", "/projects/<int:project_id>/five-ones", "LAFFFNFF", data={}),
    Row("POST", "/projects/<int:project_id>/stage", "LAFFANAF", data={}),
    Row("POST", "/projects/<int:project_id>/progress", "LAAFANAF", data={}),
    Row("POST", "/projects/<int:project_id>/milestones", "LAAFANAF", data={}),
    Row("GET", "/projects/<int:project_id>/milestones/<int:milestone_id>", "LAAFANAF"),
    Row("POST", "/projects/<int:project_id>/milestones/<int:milestone_id>", "LAAFANAF", data={}),
    Row("POST", "/projects/<int:project_id>/milestones/<int:milestone_id>/done", "LAAFANAF", data={}),
    Row(
        "POST",
        "/projects/<int:project_id>/milestones/<int:milestone_id>/delete",
        "LAAFANAF",
        path="/projects/{project}/milestones/{spare_milestone}/delete",
    ),
    Row("POST", "/projects/<int:project_id>/instructions", "LFAFFNFF", data={}),
    Row("POST", "/projects/<int:project_id>/instructions/<int:instruction_id>/acknowledge", "LFFFANAF", data={}),
    Row("POST", "/projects/<int:project_id>/instructions/<int:instruction_id>/answer", "LFFFANAF", data={}),
    Row("POST", "/projects/<int:project_id>/instructions/<int:instruction_id>/close", "LFAFFNFF", data={}),
    Row("POST", "/projects/<int:project_id>/instructions/<int:instruction_id>/return", "LFAFFNFF", data={}),
    # --- inspections (营商环境督办) -------------------------------------------------------
    Row("GET", "/inspections/", "LAAAAAAA"),
    Row("GET", "/inspections/export.xlsx", "LAAAAAAA"),
    Row("GET", "/inspections/panel", "LAAAAAAA"),
    Row("GET", "/inspections/report", "LAAAAAAA"),
    Row("GET", "/inspections/report.xlsx", "LAAAAAAA"),
    Row("GET", "/inspections/new", "LAFFFFFA"),
    Row("POST", "/inspections/new", "LAFFFFFA", data={}),
    Row("GET", "/inspections/<int:inspection_id>", "LAAAANNA"),
    Row("POST", "/inspections/<int:inspection_id>/answer", "LAFFANNF", data={}),
    Row("POST", "/inspections/<int:inspection_id>/close", "LAFFFNNA", data={}),
    Row("POST", "/inspections/<int:inspection_id>/return", "LAFFFNNA", data={}),
    # --- problems -----------------------------------------------------------------------
    Row("GET", "/problems/", "LAAAAAAA"),
    Row("GET", "/problems/export.xlsx", "LAAAAAAA"),
    Row("GET", "/problems/new", "LAAFANAF", path="/problems/new?project_id={project}"),
    Row("GET", "/problems/new-company", "LAAAAAAF", path="/problems/new-company?company_id={company}"),
    Row("POST", "/problems/new-company", "LAAAAAAF", path="/problems/new-company?company_id={company}", data={}),
    Row("POST", "/problems/new", "LAAFANAF", path="/problems/new?project_id={project}", data={}),
    Row("GET", "/problems/<int:problem_id>", "LAAAANAA"),
    Row("POST", "/problems/<int:problem_id>/assign", "LAAFFNFF", data={}),
    Row("POST", "/problems/<int:problem_id>/start", "LAFFANFF", data={}),
    Row("POST", "/problems/<int:problem_id>/answer", "LAFFANFF", data={}),
    Row("POST", "/problems/<int:problem_id>/accept", "LAAFANFF", data={}),
    Row("POST", "/problems/<int:problem_id>/return", "LAAFANFF", data={}),
    Row("POST", "/problems/<int:problem_id>/supervise", "LAAAFNFF", data={}),
    # 招商活动: the world's trip is 东城's, led by the assigned leader, with 东城招商员 taking part.
    Row("GET", "/activities/<int:activity_id>", "LAAAANNA"),
    # 招商活动 pages: everyone reads the list, calendar and ledger (within scope); admin and
    # staff record; admin, staff of the organising department and its leading leaders keep it.
    Row("GET", "/activities/", "LAAAAAAA"),
    Row("GET", "/activities/calendar", "LAAAAAAA"),
    Row("GET", "/activities/export.xlsx", "LAAAAAAA"),
    Row("GET", "/activities/new", "LAFFAAAF"),
    Row("POST", "/activities/new", "LAFFAAAF", data={}),
    Row("GET", "/activities/<int:activity_id>/edit", "LAAFANNF"),
    Row("POST", "/activities/<int:activity_id>/edit", "LAAFANNF", data=STALE),
    Row("POST", "/activities/<int:activity_id>/archive", "LAAFANNF", path="/activities/{spare_activity}/archive"),
    Row("POST", "/activities/<int:activity_id>/files", "LAAFANNF"),
    Row("GET", "/activities/files/<int:attachment_id>", "LAAAANNA", path="/activities/files/{activity_file}"),
    Row(
        "POST",
        "/activities/files/<int:attachment_id>/delete",
        "LAAFANNF",
        path="/activities/files/{spare_activity_file}/delete",
    ),
    # 批量记录拜访: staff who keep the activity or take part, and admin.
    Row("GET", "/activities/<int:activity_id>/visits", "LAFFANNF"),
    Row("POST", "/activities/<int:activity_id>/visits", "LAFFANNF", data={}),
    Row(
        "GET",
        "/activities/<int:activity_id>/visits/search",
        "LAFFANNF",
        path="/activities/{activity}/visits/search?q=华为",
    ),
    # 招商计划: the world's plans are 东城's; archiving points at the spare.
    Row("GET", "/activities/plans", "LAAAAAAA"),
    Row("GET", "/activities/plans/new", "LAFFAAAF"),
    Row("POST", "/activities/plans/new", "LAFFAAAF", data={}),
    Row("GET", "/activities/plans/<int:plan_id>", "LAAAANNA", path="/activities/plans/{activity_plan}"),
    Row("GET", "/activities/plans/<int:plan_id>/edit", "LAFFANNF", path="/activities/plans/{activity_plan}/edit"),
    Row(
        "POST",
        "/activities/plans/<int:plan_id>/edit",
        "LAFFANNF",
        path="/activities/plans/{activity_plan}/edit",
        data=STALE,
    ),
    Row(
        "POST",
        "/activities/plans/<int:plan_id>/archive",
        "LAFFANNF",
        path="/activities/plans/{spare_activity_plan}/archive",
        data=STALE,
    ),
    # --- project delivery: monthly reports, annual plans ----------------------------------
    Row("GET", "/delivery/", "LAAAAAAA"),
    Row("POST", "/delivery/review", "LAFFFFFF", data={}),
    Row("GET", "/delivery/projects/<int:project_id>", "LAAAANAA"),
    Row("POST", "/delivery/projects/<int:project_id>", "LAFFANAF", data={}),
    Row("GET", "/delivery/reports/<int:report_id>/correct", "LAFFANAF"),
    Row("POST", "/delivery/reports/<int:report_id>/correct", "LAFFANAF", data={}),
    Row("POST", "/delivery/reports/<int:report_id>/review", "LAFFFNFF", data={}),
    Row("POST", "/delivery/reports/<int:report_id>/photos", "LAFFANAF", data={}),
    Row("GET", "/delivery/files/<int:attachment_id>", "LAAAANAA", path="/delivery/files/{report_photo}"),
    Row(
        "POST",
        "/delivery/files/<int:attachment_id>/delete",
        "LAFFANAF",
        path="/delivery/files/{spare_photo}/delete",
    ),
    Row("GET", "/delivery/plans", "LAAAAAAA"),
    Row("POST", "/delivery/plans/copy-forward", "LAFFFFFF", data={}),
    Row("GET", "/delivery/projects/<int:project_id>/plans/new", "LAFFFNFF"),
    Row("POST", "/delivery/projects/<int:project_id>/plans/new", "LAFFFNFF", data={}),
    Row(
        "GET",
        "/delivery/projects/<int:project_id>/plans/<int:year>",
        "LAFFFNFF",
        path="/delivery/projects/{project}/plans/{plan_year}",
    ),
    Row(
        "POST",
        "/delivery/projects/<int:project_id>/plans/<int:year>",
        "LAFFFNFF",
        path="/delivery/projects/{project}/plans/{plan_year}",
        data={},
    ),
    Row("POST", "/delivery/plans/<int:plan_id>/delete", "LAFFFNNF", path="/delivery/plans/{spare_plan}/delete"),
    # --- agreements ---------------------------------------------------------------------
    Row("GET", "/agreements/", "LAAAAAAA"),
    Row("GET", "/agreements/export.xlsx", "LAAAAAAA"),
    Row("GET", "/agreements/events", "LAAAAAAA"),
    Row("GET", "/agreements/events/new", "LAFFAAAF"),
    Row("POST", "/agreements/events/new", "LAFFAAAF", data={}),
    Row("GET", "/agreements/events/<int:event_id>/edit", "LAFFAFFF"),
    Row("POST", "/agreements/events/<int:event_id>/edit", "LAFFAFFF", data={}),
    Row("GET", "/agreements/project/<int:project_id>", "LAAAANAA"),
    Row("GET", "/agreements/project/<int:project_id>/new", "LAFFANAF"),
    Row("POST", "/agreements/project/<int:project_id>/new", "LAFFANAF", data={}),
    Row("GET", "/agreements/project/<int:project_id>/funding", "LAAAANAA"),
    Row("POST", "/agreements/project/<int:project_id>/funding", "LAFFANAF", data={}),
    Row(
        "POST",
        "/agreements/funding/<int:funding_id>/delete",
        "LAFFANAF",
        path="/agreements/funding/{spare_funding}/delete",
    ),
    Row("GET", "/agreements/<int:agreement_id>", "LAAAANAA"),
    Row("GET", "/agreements/<int:agreement_id>/edit", "LAFFANAF"),
    Row("POST", "/agreements/<int:agreement_id>/edit", "LAFFANAF", data={}),
    Row("POST", "/agreements/<int:agreement_id>/attachments", "LAFFANAF", data={}),
    Row("GET", "/agreements/files/<int:attachment_id>", "LAAAANAA"),
    Row(
        "POST",
        "/agreements/files/<int:attachment_id>/delete",
        "LAFFANAF",
        path="/agreements/files/{spare_attachment}/delete",
    ),
    Row("POST", "/agreements/<int:agreement_id>/archive", "LAFFANAF", path="/agreements/{spare_agreement}/archive"),
    Row("POST", "/agreements/<int:agreement_id>/restore", "LAFFFFFF", path="/agreements/{archived_agreement}/restore"),
    # --- imports ------------------------------------------------------------------------
    Row("GET", "/imports/", "LAFFAAAF"),
    Row("GET", "/imports/<kind>", "LAFFAAAF", path="/imports/leads"),
    Row("POST", "/imports/<kind>", "LAFFAAAF", path="/imports/leads", data={}),
    Row("GET", "/imports/<kind>/template.xlsx", "LAFFAAAF", path="/imports/leads/template.xlsx"),
    Row("POST", "/imports/batches/<int:batch_id>/commit", "LAFFANNF"),
    Row("GET", "/imports/batches/<int:batch_id>", "LAFFANNF"),
    Row("POST", "/imports/batches/<int:batch_id>/departments", "LAFFFFFF", data={}),
    # --- project delivery ---------------------------------------------------------------
    Row("GET", "/delivery/investments/export.xlsx", "LAAAAAAA"),
    # --- 产业链 (everyone reads; admin creates chains; admin, the 链长 and the chain's department
    # edit; the target's department edits the target; whoever registers leads turns a target into one)
    Row("GET", "/chains/", "LAAAAAAA"),
    Row("GET", "/chains/new", "LAFFFFFF"),
    Row("POST", "/chains/new", "LAFFFFFF", data={}),
    Row("GET", "/chains/<int:chain_id>", "LAAAAAAA"),
    Row("GET", "/chains/<int:chain_id>/edit", "LAAFAFFF"),
    Row("POST", "/chains/<int:chain_id>/edit", "LAAFAFFF", data={}),
    Row("POST", "/chains/<int:chain_id>/segments", "LAAFAFFF", data={}),
    Row("GET", "/chains/<int:chain_id>/segments.xlsx", "LAAAAAAA"),
    Row("GET", "/chains/segments/<int:segment_id>", "LAAAAAAA"),
    Row("POST", "/chains/segments/<int:segment_id>/edit", "LAAFAFFF", data={}),
    Row("POST", "/chains/segments/<int:segment_id>/companies", "LAAFAFFF", data={}),
    Row("POST", "/chains/segments/<int:segment_id>/projects", "LAAFAFFF", data={}),
    Row(
        "POST",
        "/chains/placements/<kind>/<int:placement_id>/delete",
        "LAAFAFFF",
        path="/chains/placements/company/{chain_placement}/delete",
    ),
    Row("GET", "/chains/import", "LAAAAAAF"),
    Row("POST", "/chains/import", "LAAAAAAF", data={}),
    Row("GET", "/chains/targets", "LAAAAAAA"),
    Row("GET", "/chains/targets/export.xlsx", "LAAAAAAA"),
    Row("GET", "/chains/targets/new", "LAAFAFFF", path="/chains/targets/new?chain_id={chain}"),
    Row("POST", "/chains/targets/new", "LAAFAFFF", path="/chains/targets/new?chain_id={chain}", data={}),
    Row("GET", "/chains/targets/<int:target_id>", "LAAAAAAA"),
    Row("GET", "/chains/targets/<int:target_id>/edit", "LAAFAFFF"),
    Row("POST", "/chains/targets/<int:target_id>/edit", "LAAFAFFF", data={}),
    Row("POST", "/chains/targets/<int:target_id>/lead", "LAFFAAAF", data={}),
    # --- reports ------------------------------------------------------------------------
    Row("GET", "/reports/", "LAAAAAAA"),
    Row("GET", "/reports/funnel", "LAAAAAAA"),
    Row("GET", "/reports/library", "LAAAAAAA"),
    Row("GET", "/reports/activity", "LAAAAAAA"),
    Row("GET", "/reports/activities", "LAAAAAAA"),
    Row("GET", "/reports/targets", "LAAAAAAA"),
    Row("GET", "/reports/targets/edit", "LAFFFFFF"),
    Row("POST", "/reports/targets/edit", "LAFFFFFF", data={}),
    Row("GET", "/reports/key-projects", "LAAAAAAA"),
    Row("GET", "/reports/investment", "LAAAAAAA"),
    Row("GET", "/reports/approvals", "LAAAAAAA"),
    Row("GET", "/reports/problems", "LAAAAAAA"),
    Row("GET", "/reports/ranking", "LAAAAAAA"),
    Row("GET", "/reports/ranking/weights", "LAFFFFFF"),
    Row("POST", "/reports/ranking/weights", "LAFFFFFF", data={}),
    Row("GET", "/reports/chains", "LAAAAAAA"),
    Row("GET", "/reports/speed", "LAAAAAAA"),
    Row("GET", "/reports/pack", "LAAAAAAA"),
    Row("GET", "/reports/drill/<entity>", "LAAAAAAA", path="/reports/drill/leads?m=leads"),
    # --- approvals: 联审联批会 (everyone reads, the decisions they may see; admin records) ----
    Row("GET", "/approvals/meetings", "LAAAAAAA"),
    Row("GET", "/approvals/meetings/new", "LAFFFFFF"),
    Row("POST", "/approvals/meetings/new", "LAFFFFFF", data={}),
    Row("GET", "/approvals/meetings/<int:meeting_id>", "LAAAAAAA"),
    Row("GET", "/approvals/meetings/<int:meeting_id>/print", "LAAAAAAA"),
    Row("GET", "/approvals/meetings/<int:meeting_id>/edit", "LAFFFFFF"),
    Row("POST", "/approvals/meetings/<int:meeting_id>/edit", "LAFFFFFF", data={}),
    # --- delivery: 三个一批 campaigns (everyone reads; admin names the projects) ---------
    Row("GET", "/delivery/campaigns", "LAAAAAAA"),
    Row("GET", "/delivery/campaigns/new", "LAFFFFFF"),
    Row("POST", "/delivery/campaigns/new", "LAFFFFFF", data={}),
    Row("GET", "/delivery/campaigns/<int:campaign_id>", "LAAAAAAA"),
    Row("GET", "/delivery/campaigns/<int:campaign_id>/export.xlsx", "LAAAAAAA"),
    Row("GET", "/delivery/campaigns/<int:campaign_id>/edit", "LAFFFFFF"),
    Row("POST", "/delivery/campaigns/<int:campaign_id>/edit", "LAFFFFFF", data={}),
    Row(
        "POST",
        "/delivery/campaigns/<int:campaign_id>/archive",
        "LAFFFFFF",
        path="/delivery/campaigns/{spare_campaign}/archive",
    ),
    Row(
        "POST",
        "/delivery/campaigns/<int:campaign_id>/restore",
        "LANNNNNN",
        path="/delivery/campaigns/{archived_campaign}/restore",
    ),
    Row("GET", "/delivery/campaigns/<int:campaign_id>/items/new", "LAFFFFFF"),
    Row("POST", "/delivery/campaigns/<int:campaign_id>/items/new", "LAFFFFFF", data={}),
    Row(
        "GET",
        "/delivery/campaigns/<int:campaign_id>/items/<int:item_id>/edit",
        "LAFFFFFF",
        path="/delivery/campaigns/{campaign}/items/{campaign_item}/edit",
    ),
    Row(
        "POST",
        "/delivery/campaigns/<int:campaign_id>/items/<int:item_id>/edit",
        "LAFFFFFF",
        path="/delivery/campaigns/{campaign}/items/{campaign_item}/edit",
        data={},
    ),
    Row(
        "POST",
        "/delivery/campaigns/<int:campaign_id>/items/<int:item_id>/remove",
        "LAFFFFFF",
        path="/delivery/campaigns/{campaign}/items/{spare_campaign_item}/remove",
    ),
    # --- 联审联批: the ledger, approval items (the team member's department approves the item)
    Row("GET", "/approvals/", "LAAAAAAA"),
    Row("GET", "/approvals/export.xlsx", "LAAAAAAA"),
    Row("GET", "/approvals/projects/<int:project_id>/new", "LAFFANAF"),
    Row("POST", "/approvals/projects/<int:project_id>/new", "LAFFANAF", data={}),
    Row("GET", "/approvals/items/<int:item_id>", "LAAAANAA", path="/approvals/items/{approval_item}"),
    Row("GET", "/approvals/items/<int:item_id>/edit", "LAFFANAF", path="/approvals/items/{approval_item}/edit"),
    Row(
        "POST",
        "/approvals/items/<int:item_id>/edit",
        "LAFFANAF",
        path="/approvals/items/{approval_item}/edit",
        data=STALE,
    ),
    Row(
        "POST",
        "/approvals/items/<int:item_id>/submit",
        "LAFFANAF",
        path="/approvals/items/{approval_item}/submit",
        data={"submitted_on": "2999-01-01"},
    ),
    # 办结: admin and the approving department only; the project's own staff get 403.
    Row(
        "POST",
        "/approvals/items/<int:item_id>/approve",
        "LAFFFNAF",
        path="/approvals/items/{approval_item}/approve",
        data=STALE,
    ),
    Row(
        "POST",
        "/approvals/items/<int:item_id>/not-needed",
        "LAFFANAF",
        path="/approvals/items/{approval_item}/not-needed",
        data={"not_needed_reason": ""},
    ),
    Row("POST", "/approvals/items/<int:item_id>/files", "LAFFANAF", path="/approvals/items/{approval_item}/files"),
    Row("GET", "/approvals/files/<int:attachment_id>", "LAAAANAA", path="/approvals/files/{approval_file}"),
    Row(
        "POST",
        "/approvals/files/<int:attachment_id>/delete",
        "LAFFANAF",
        path="/approvals/files/{spare_approval_file}/delete",
    ),
    # --- API: lists and records ----------------------------------------------------------
    Row("GET", "/api/v1/leads", "LAAAAAAA"),
    Row("POST", "/api/v1/leads", "LAFFAAAF", json={"company_name": "矩阵测试企业有限公司", "title": "矩阵测试"}),
    Row("GET", "/api/v1/leads/<int:lead_id>", "LAAAANNA"),
    Row("PATCH", "/api/v1/leads/<int:lead_id>", "LAFFANNF", json=STALE),
    Row("POST", "/api/v1/leads/<int:lead_id>/status", "LAFFANNF", json={"to": "contacted", **STALE}),
    Row("POST", "/api/v1/leads/<int:lead_id>/unshelve", "LAFFANNF", json=STALE),
    Row("POST", "/api/v1/leads/<int:lead_id>/convert", "LAFFANNF", json=STALE),
    Row("GET", "/api/v1/leads/<int:lead_id>/visits", "LAAAANNA"),
    Row("POST", "/api/v1/leads/<int:lead_id>/visits", "LAFFANNF", json={"visited_on": "2999-01-01", "summary": "未来"}),
    Row("PATCH", "/api/v1/visits/<int:visit_id>", "LAFFANNF", json={"visited_on": "2999-01-01"}),
    Row("GET", "/api/v1/activities", "LAAAAAAA"),
    Row(
        "POST",
        "/api/v1/activities",
        "LAFFAAAF",
        json={"kind": "外出招商", "title": "矩阵测试", "start_on": "2999-01-01"},
    ),
    Row("GET", "/api/v1/activities/<int:activity_id>", "LAAAANNA"),
    Row("PATCH", "/api/v1/activities/<int:activity_id>", "LAAFANNF", json=STALE),
    Row("GET", "/api/v1/chains", "LAAAAAAA"),
    Row("GET", "/api/v1/chains/<int:chain_id>", "LAAAAAAA"),
    Row("GET", "/api/v1/targets", "LAAAAAAA"),
    # The world's chain is the first (id 1); an unknown segment is the editors' 422.
    Row("POST", "/api/v1/targets", "LAAFAFFF", json={"name": "矩阵目标", "chain_id": 1, "segment_id": 999999}),
    Row("GET", "/api/v1/targets/<int:target_id>", "LAAAAAAA"),
    Row("PATCH", "/api/v1/targets/<int:target_id>", "LAAFAFFF", json=STALE),
    Row("POST", "/api/v1/targets/<int:target_id>/lead", "LAFFAAAF", json={"confirm_duplicate": False}),
    Row("GET", "/api/v1/companies", "LAAAAAAA"),
    Row("POST", "/api/v1/companies", "LAFFAAAF", json={"name": "矩阵测试企业有限公司"}),
    Row("GET", "/api/v1/companies/duplicates", "LAFFAAAF", path="/api/v1/companies/duplicates?name=华润"),
    Row("GET", "/api/v1/companies/<int:company_id>", "LAAAAAAA"),
    Row("PATCH", "/api/v1/companies/<int:company_id>", "LAFFAAFF", json=STALE),
    Row("GET", "/api/v1/projects", "LAAAAAAA"),
    Row("POST", "/api/v1/projects", "LAFFAAAF", json={"name": "矩阵测试项目"}),
    Row("GET", "/api/v1/projects/<int:project_id>", "LAAAANAA"),
    Row("PATCH", "/api/v1/projects/<int:project_id>", "LAFFANAF", json=STALE),
    Row("POST", "/api/v1/projects/<int:project_id>/stage", "LAFFANAF", json={"to": "signed", **STALE}),
    Row("GET", "/api/v1/projects/<int:project_id>/progress", "LAAAANAA"),
    Row(
        "POST",
        "/api/v1/projects/<int:project_id>/progress",
        "LAAFANAF",
        json={"text": "未来", "happened_on": "2999-01-01"},
    ),
    Row("GET", "/api/v1/projects/<int:project_id>/problems", "LAAAANAA"),
    Row(
        "POST",
        "/api/v1/projects/<int:project_id>/problems",
        "LAAFANAF",
        json={"category_id": 999999, "description": "x"},
    ),
    Row("GET", "/api/v1/projects/<int:project_id>/agreements", "LAAAANAA"),
    Row(
        "POST",
        "/api/v1/projects/<int:project_id>/agreements",
        "LAFFANAF",
        json={"kind": "investment", "signed_on": "2999-01-01", "agreed_investment": "1"},
    ),
    Row("GET", "/api/v1/projects/<int:project_id>/plans", "LAAAANAA"),
    Row(
        "PUT",
        "/api/v1/projects/<int:project_id>/plans/<int:year>",
        "LAFFFNFF",
        path="/api/v1/projects/{project}/plans/2099",
        json={"planned_investment": "1"},
    ),
    Row("GET", "/api/v1/projects/<int:project_id>/investments", "LAAAANAA"),
    Row(
        "POST",
        "/api/v1/projects/<int:project_id>/investments",
        "LAFFANAF",
        json={"month": "2099-12", "completed": "1"},
    ),
    Row("POST", "/api/v1/investments/<int:report_id>/review", "LAFFFNFF", json=STALE),
    Row("GET", "/api/v1/projects/<int:project_id>/approvals", "LAAAANAA"),
    # A body the schema takes but the service refuses (no such department): the gate answers first.
    Row(
        "POST",
        "/api/v1/projects/<int:project_id>/approvals",
        "LAFFANAF",
        json={"item": "施工许可", "department_id": 2_000_000, "due_on": "2099-01-01"},
    ),
    # The world's item is the team member's department's to approve; staff of another department see nothing.
    Row("GET", "/api/v1/approvals/<int:approval_id>", "LAAAANAA"),
    Row("PATCH", "/api/v1/approvals/<int:approval_id>", "LAFFANAF", json=STALE),
    Row("GET", "/api/v1/agreements/<int:agreement_id>", "LAAAANAA"),
    Row("PATCH", "/api/v1/agreements/<int:agreement_id>", "LAFFANAF", json=STALE),
    Row("GET", "/api/v1/notifications", "LAAAAAAA"),
    Row(
        "POST", "/api/v1/notifications/<int:notification_id>/read", "LNNNNNNN", path="/api/v1/notifications/999999/read"
    ),
    Row("POST", "/api/v1/notifications/read-all", "LAAAAAAA"),
    Row("GET", "/api/v1/problems", "LAAAAAAA"),
    Row("GET", "/api/v1/inspections", "LAAAAAAA"),
    Row(
        "POST",
        "/api/v1/inspections",
        "LAFFFFFA",
        json={
            "inspected_on": "2026-01-05",
            "kind": "inspection",
            "department_id": 999999,
            "finding_ids": [999999],
            "description": "x",
            "requirement": "y",
            "deadline": "2026-01-20",
        },
    ),
    Row("GET", "/api/v1/inspections/<int:inspection_id>", "LAAAANNA"),
    Row("POST", "/api/v1/inspections/<int:inspection_id>/steps", "LAFFFNNA", json={"action": "close", **STALE}),
    Row("POST", "/api/v1/problems", "LAAAAAAF", json={"company_id": 1, "category_id": 999999, "description": "x"}),
    Row("GET", "/api/v1/problems/<int:problem_id>", "LAAAANAA"),
    Row("POST", "/api/v1/problems/<int:problem_id>/steps", "LAFFANFF", json={"action": "start", **STALE}),
    Row("POST", "/api/v1/imports/leads", "LAFFAAAF", files={}),
    Row("POST", "/api/v1/imports/projects", "LAFFAAAF", files={}),
    Row("POST", "/api/v1/imports/investments", "LAFFAAAF", files={}),
    Row("POST", "/api/v1/imports/approvals", "LAFFAAAF", files={}),
    Row("GET", "/api/v1/reports/funnel", "LAAAAAAA"),
    Row("GET", "/api/v1/reports/library", "LAAAAAAA"),
    Row("GET", "/api/v1/reports/investment", "LAAAAAAA"),
    Row("GET", "/api/v1/reports/approvals", "LAAAAAAA"),
    Row("GET", "/api/v1/reports/problems", "LAAAAAAA"),
    Row("GET", "/api/v1/reports/ranking", "LAAAAAAA"),
    Row("GET", "/api/v1/reviews", "LAAAAAAA"),
    Row("GET", "/api/v1/reviews/<int:review_id>", "LAAAAAAA"),
    Row("POST", "/api/v1/reviews/<int:review_id>/scores", "LFAFAFAF", json={"project_id": 1, "scores": {}}),
    Row("GET", "/api/v1/reports/activities", "LAAAAAAA"),
    # --- 观摩评比: everyone reads; admin manages; only the event's reviewers score (the assigned
    # leader, the own staff, the team member); running results: admin, leaders, the supervisor ---
    Row("GET", "/reviews/", "LAAAAAAA"),
    Row("GET", "/reviews/new", "LAFFFFFF"),
    Row("POST", "/reviews/new", "LAFFFFFF", data={}),
    Row("GET", "/reviews/<int:review_id>", "LAAAAAAA"),
    Row("GET", "/reviews/<int:review_id>/edit", "LAFFFFFF"),
    Row("POST", "/reviews/<int:review_id>/edit", "LAFFFFFF", data=STALE),
    Row("POST", "/reviews/<int:review_id>/criteria", "LAFFFFFF", data={}),
    Row("POST", "/reviews/<int:review_id>/criteria/<int:criterion_id>/delete", "LAFFFFFF"),
    Row("POST", "/reviews/<int:review_id>/projects", "LAFFFFFF", data={}),
    Row(
        "POST",
        "/reviews/<int:review_id>/projects/<int:entry_id>/delete",
        "LAFFFFFF",
        path="/reviews/{review}/projects/{spare_review_entry}/delete",
    ),
    Row("POST", "/reviews/<int:review_id>/reviewers", "LAFFFFFF", data={}),
    Row("POST", "/reviews/<int:review_id>/reviewers/<int:reviewer_id>/delete", "LAFFFFFF"),
    Row("POST", "/reviews/<int:review_id>/close", "LAFFFFFF", data={}),
    Row("GET", "/reviews/<int:review_id>/score", "LFAFAFAF"),
    Row("POST", "/reviews/<int:review_id>/score/<int:entry_id>", "LFAFAFAF", data={}),
    Row("GET", "/reviews/<int:review_id>/results", "LAAAFFFA"),
    Row("GET", "/reviews/<int:review_id>/results.xlsx", "LAAAFFFA"),
    Row("GET", "/reviews/<int:review_id>/bulletin", "LAAAFFFA"),
    # --- API: organisation and tokens ---------------------------------------------------
    Row("GET", "/api/v1/departments", "LAAAAAAA"),
    Row("POST", "/api/v1/departments", "LAFFFFFF", json={"name": "矩阵测试部门"}),
    Row("GET", "/api/v1/departments/<int:department_id>", "LAAAAAAA"),
    Row("PUT", "/api/v1/departments/<int:department_id>", "LAFFFFFF", json={"name": "东城街道"}),
    Row("GET", "/api/v1/users", "LAAAAAAA"),
    Row(
        "POST",
        "/api/v1/users",
        "LAFFFFFF",
        json={"username": "matrix", "password": "short", "name": "x", "role": "viewer"},
    ),
    Row("GET", "/api/v1/users/<int:user_id>", "LAAAAAAA"),
    Row("PATCH", "/api/v1/users/<int:user_id>", "LAFFFFFF", json={}),
    Row("GET", "/api/v1/tokens", "LAAAAAAA"),
    Row("DELETE", "/api/v1/tokens/<int:token_id>", "LANNNNNN"),
    Row("DELETE", "/api/v1/tokens/current", "LAAAAAAA", last=True),
    # Signs out every device and revokes every token: the very last, signed in again first.
    Row("POST", "/auth/logout-all", "LAAAAAAA", last=True, relogin=True),
]


def _path(row: Row, ids: dict[str, int]) -> str:
    if row.path is not None:
        return row.path.format(**ids)
    import re

    def arg(match: re.Match[str]) -> str:
        return str(ids[DEFAULT_IDS[match.group(1)]])

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", arg, row.rule)


def _outcome(response) -> str:
    status = response.status_code
    if status == 401:
        return "L"
    location = response.headers.get("Location", "")
    if status in (301, 302, 303) and "/auth/login" in location and "next=" in location:
        return "L"  # (signing out also lands on /auth/login, without a `next`)
    if status == 403:
        return "F"
    if status == 404:
        return "N"
    assert status < 500, f"{status}: {response.get_data(as_text=True)[:300]}"
    return "A"


def _send(client: FlaskClient, row: Row, path: str, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token and path.startswith("/api/") else {}
    if row.method == "GET":
        return client.get(path, headers=headers)
    if row.files is not None:
        return client.open(path, method=row.method, data=row.files, headers=headers, csrf=False)
    if path.startswith("/api/"):
        body = {"json": row.json} if row.json is not None else {}
        return client.open(path, method=row.method, headers=headers, csrf=False, **body)
    return client.open(path, method=row.method, data=row.data or {}, headers=headers)


@pytest.mark.parametrize("actor", ACTORS)
def test_access_matrix(client, login_as, actor):
    world = ft.build(tokens=True)
    user = world.user(actor)
    if user is not None:
        login_as(user)
    token = world.tokens.get(actor)
    column = ACTORS.index(actor)
    mismatches = []
    for row in sorted(TABLE, key=lambda r: (r.last, r.method != "GET")):
        path = _path(row, world.ids)
        if row.relogin and user is not None:
            login_as(user)
        response = _send(client, row, path, token)
        got = _outcome(response)
        if got != row.expect[column]:
            mismatches.append(f"{row.method} {path}: expected {row.expect[column]}, got {got}")
        mismatches += _header_problems(response, path, signed_in=user is not None and not row.last)
    assert not mismatches, f"{actor}:\n" + "\n".join(mismatches)


def _header_problems(response, path: str, *, signed_in: bool) -> list[str]:
    """Every answer, error pages included, carries a CSP without inline
    script; what a signed-in person is shown is never cached."""
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    page_policy = "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    file_policy = csp.startswith("default-src 'none'")  # downloads: stricter still, nothing runs
    if "unsafe-" in csp or not (page_policy or file_policy):
        problems.append(f"{path}: CSP {csp!r}")
    shown = response.mimetype in ("text/html", "application/json") or "spreadsheet" in (response.mimetype or "")
    if signed_in and shown and response.status_code != 401 and response.headers.get("Cache-Control") != "no-store":
        problems.append(f"{path}: Cache-Control {response.headers.get('Cache-Control')!r}")
    return problems


def test_every_route_has_a_row(app):
    """A route without a row fails: decide who may reach it, then add it."""
    routes = {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}
    rows = {(row.method, row.rule) for row in TABLE}
    assert routes - rows == set(), "routes without a row in the access table"
    assert rows - routes == set(), "rows for routes that no longer exist"
    assert len(rows) == len(TABLE), "a route has two rows"
    assert all(len(row.expect) == len(ACTORS) and set(row.expect) <= set("AFNL") for row in TABLE)
