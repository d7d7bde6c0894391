"""Demo step: a year of 招商活动 (`app/demo/activities_data.py`) — trips to
上海/深圳/北京 …, 推介会, fairs, 小分队 and visiting delegations, led by the
demo leaders with staff taking part, many realising this year's 招商计划 —
and what they produced: the companies met (new leads collected during the
activity, existing leads of companies based in the cities visited), the
later follow-ups, leads moved to 洽谈, converted and signed (the pipeline and
agreements services, so signings count where the report counts them). One
trip is under way today and three are planned.

Everything goes through the services (audited, maintained columns). Its own
seeded generator keeps it deterministic; a database that has activities is
left alone. Runs right after the leads step (whose companies it meets
again), as leads collected on trips are leads like any other: the projects
step then gives the key projects it converted their five ones and moves some
converted projects on, the agreements step signs those, and the targets step
sees 外出招商次数."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal

import sqlalchemy as sa

from app.activities import services as activity_services
from app.agreements import services as agreement_services
from app.companies.services import create_company
from app.db import db
from app.demo import DemoContext
from app.demo.activities_data import (
    AT_HOME,
    BUREAU,
    COMPANIES,
    DONGCHENG,
    FOLLOW_UPS,
    HOME,
    KFQ,
    MET,
    ONGOING,
    PAST,
    PLANS,
    TITLES,
    UPCOMING,
    Spec,
)
from app.leads import pipeline, visits
from app.leads import services as lead_services
from app.models import (
    Activity,
    ActivityPlan,
    AgreementKind,
    Company,
    Department,
    Lead,
    LeadStatus,
    RefItem,
    RefKind,
    Role,
    User,
)
from app.permissions import can_view_activity_plan

# Who records an organiser's activities (else its first staff member).
RECORDERS = {BUREAU: "bureau", KFQ: "kfq", DONGCHENG: "staff"}
VISIT_KIND = {"来访接待": "来访接待", "招商推介会": "洽谈会", "展会论坛": "洽谈会"}
SOURCE = {"展会论坛": "展会论坛", "驻地招商": "驻地招商", "小分队招商": "小分队招商", "来访接待": "企业来访"}
AMOUNTS = (3000, 5000, 8000, 10000, 20000, 30000, 50000, 100000)


class _World:
    """The demo's people, departments and reference ids, read once."""

    def __init__(self) -> None:
        self.refs: dict[RefKind, dict[str, int]] = {}
        for item in db.session.scalars(sa.select(RefItem)):
            self.refs.setdefault(item.kind, {})[item.name] = item.id
        self.departments = {d.name: d for d in db.session.scalars(sa.select(Department))}
        users = list(db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.username)))
        self.by_username = {u.username: u for u in users}
        self.leaders = [u for u in users if u.role is Role.LEADER]
        self.staff: dict[int, list[User]] = {}
        for user in users:
            if user.role is Role.STAFF and user.department_id is not None:
                self.staff.setdefault(user.department_id, []).append(user)
        self.admin = self.by_username.get("admin") or next((u for u in users if u.role is Role.ADMIN), None)

    def recorder(self, department: Department) -> User | None:
        named = self.by_username.get(RECORDERS.get(department.name, ""))
        return named or next(iter(self.staff.get(department.id, [])), None)


def _companies(world: _World) -> dict[str, list[Company]]:
    """Companies already in the district by the city of their HQ (met again on a trip)."""
    found: dict[str, list[Company]] = {}
    for company in db.session.scalars(
        sa.select(Company).where(Company.archived_at.is_(None), Company.merged_into_id.is_(None)).order_by(Company.id)
    ):
        if company.hq_region:
            found.setdefault(company.hq_region, []).append(company)
    return found


def _plans(world: _World, year: int) -> list[ActivityPlan]:
    plans = []
    for title, quarter, kind, regions, department, leader, industries in PLANS:
        dept = world.departments.get(department)
        actor = world.recorder(dept) if dept else None
        if dept is None or actor is None:
            continue
        plans.append(
            activity_services.create_plan(
                {
                    "year": year,
                    "quarter": quarter,
                    "title": f"{year}年{title}",
                    "kind_id": world.refs[RefKind.ACTIVITY_KIND].get(kind),
                    "regions": regions,
                    "department_id": dept.id,
                    "leader_id": world.by_username[leader].id if leader in world.by_username else None,
                    "industry_ids": [world.refs[RefKind.INDUSTRY][i] for i in industries],
                    "notes": "全年计划，按季度组织实施。",
                },
                actor,
            )
        )
    return plans


def _schedule(today: dt.date, rng: random.Random) -> Iterator[tuple[Spec, dt.date, dt.date]]:
    """Each activity with its dates: the past ones spread over the last
    twelve months (none ending after yesterday), one under way, three ahead."""
    step = 350 / len(PAST)
    for index, spec in enumerate(PAST):
        start = today - dt.timedelta(days=int(360 - index * step) - rng.randint(0, 4))
        end = min(start + dt.timedelta(days=spec.days - 1), today - dt.timedelta(days=1))
        yield spec, start, max(start, end)
    yield ONGOING, today - dt.timedelta(days=1), today + dt.timedelta(days=ONGOING.days - 2)
    for index, spec in enumerate(UPCOMING):
        start = today + dt.timedelta(days=12 + 21 * index)
        yield spec, start, start + dt.timedelta(days=spec.days - 1)


def _plan_for(
    spec: Spec, start: dt.date, plans: list[ActivityPlan], kinds: dict[str, int], recorder: User
) -> int | None:
    """The year's plan an activity realises: same kind, a region in common,
    one its recorder may see."""
    for plan in plans:
        if plan.year != start.year or plan.kind_id != kinds.get(spec.kind):
            continue
        if not can_view_activity_plan(recorder, plan):
            continue
        if plan.quarter is not None and plan.quarter != (start.month - 1) // 3 + 1:
            continue
        if set(spec.regions) & set((plan.regions or "").split("、")):
            return plan.id
    return None


def seed(ctx: DemoContext) -> str:
    if db.session.scalar(sa.select(sa.func.count(Activity.id))):
        return "招商活动：已有数据，跳过"
    world = _World()
    if not world.leaders or world.admin is None:
        return "招商活动：尚无领导和人员，未生成"
    today = ctx.today
    rng = random.Random(20260520)  # its own stream: the same choices whatever ran before
    plans = _plans(world, today.year)
    known = _companies(world)
    pools = {city: list(names) for city, names in COMPANIES.items()}
    home = list(HOME)
    lead_leader = world.by_username.get("leader") or world.leaders[0]
    counts = {"activities": 0, "leads": 0, "visits": 0, "negotiating": 0, "signed": 0}
    for number, (spec, start, end) in enumerate(_schedule(today, rng)):
        department = world.departments.get(spec.organiser)
        recorder = world.recorder(department) if department else None
        if department is None or recorder is None:
            continue
        others = [u for u in world.leaders if u.id != lead_leader.id]
        leaders = ([lead_leader] if number % 3 != 1 else []) + rng.sample(others, k=min(len(others), 2))
        leaders = leaders[: spec.leaders] if spec.leaders else [recorder]
        team = [u for u in world.staff.get(department.id, []) if u.id != recorder.id]
        participants = [recorder, *team[:2]]
        staff = world.by_username.get("staff")
        if staff is not None and spec.organiser == BUREAU and number % 4 == 0:
            participants.append(staff)  # the demo sign-in joins some of the bureau's trips
        cities = list(spec.regions) or ["本地"]
        met = 0 if start > today else (1 if spec.kind == "来访接待" else rng.randint(2, 3))
        activity = activity_services.create_activity(
            {
                "kind_id": world.refs[RefKind.ACTIVITY_KIND][spec.kind],
                "title": spec.title,
                "start_on": start,
                "end_on": end,
                "away": bool(spec.regions),
                "regions": list(spec.regions),
                "leader_ids": [u.id for u in leaders],
                "participant_ids": [u.id for u in participants],
                "department_id": department.id,
                "plan_id": _plan_for(spec, start, plans, world.refs[RefKind.ACTIVITY_KIND], recorder),
                "purpose": f"围绕{spec.industry}产业链，对接{'、'.join(cities)}重点企业，宣传推介我区投资环境。",
                "summary": (
                    f"对接企业 {met} 家以上，收集项目线索 {met} 条，与重点企业达成进一步考察意向。"
                    if end < today
                    else None
                ),
                "budget": Decimal(rng.randint(2, 12)) if spec.regions else None,
            },
            recorder,
        )
        counts["activities"] += 1
        if start > today:
            continue
        last = min(end, today)
        for index in range(met):
            pool = pools.get(cities[index % len(cities)]) if spec.regions else home
            if not pool:
                continue
            day = start + dt.timedelta(days=rng.randint(0, (last - start).days))
            city = cities[index % len(cities)] if spec.regions else None
            # The first company met on each of the three oldest activities was
            # signed since: the year always shows signings credited to trips.
            first = number < 3 and index == 0
            outcome = _collect(world, ctx, rng, activity, spec, (pool.pop(0), city), day, participants, recorder, first)
            counts["leads"] += 1
            counts["visits"] += outcome[0]
            counts["negotiating"] += outcome[1]
            counts["signed"] += outcome[2]
        # Companies already followed, based in a city on the trip: visited again.
        for city in spec.regions:
            counts["visits"] += _visit_known(world, rng, activity, known.get(city, []), start, last, recorder)
    db.session.flush()
    return (
        f"招商活动：{counts['activities']} 次（{len(plans)} 项招商计划），收集线索 {counts['leads']} 条、"
        f"走访 {counts['visits']} 次，进入洽谈 {counts['negotiating']} 个、签约 {counts['signed']} 个"
    )


def _visit(world: _World, lead: Lead, actor: User, day: dt.date, text: str, **extra) -> None:
    visits.log_visit(
        {
            "visited_on": day,
            "summary": text,
            "counterpart": "企业负责人及投资发展部",
            "participant_ids": extra.pop("participant_ids", [actor.id]),
            **extra,
        },
        actor,
        lead=lead,
    )


def _collect(world, ctx, rng, activity, spec, met, day, participants, recorder, force) -> tuple[int, int, int]:
    """A company met at `activity` on `day`: a new lead collected there, its
    visit, and its story since (follow-up, 洽谈, conversion, signing).
    Returns (visits credited to the activity, reached 洽谈, signed)."""
    today, (name, city) = ctx.today, met
    industry = world.refs[RefKind.INDUSTRY].get(spec.industry)
    company = create_company({"name": name, "industry_id": industry, "hq_region": city}, world.admin)
    owners = world.staff.get(activity.department_id, [recorder])
    owner = owners[rng.randrange(len(owners))]
    amount = Decimal(rng.choice(AMOUNTS))
    source = SOURCE.get(spec.kind, "外出招商" if spec.regions else "企业来访")
    lead = lead_services.create_lead(
        {
            "company_choice": str(company.id),
            "company_name": company.name,
            "title": rng.choice(TITLES).format(industry=spec.industry),
            "source_id": world.refs[RefKind.SOURCE].get(source),
            "industry_id": industry,
            "intended_investment": amount,
            "contact_name": rng.choice(["王", "李", "张", "刘", "陈"]) + rng.choice(["总", "经理", "总监"]),
            "owner_department_id": activity.department_id,
            "owner_user_id": owner.id,
            "received_on": day,
            "activity_id": activity.id,
            "description": f"在「{activity.title}」中对接，企业有意在华中布局{spec.industry}项目。",
        },
        recorder,
        confirm_duplicate=True,
        on=day,
    )
    present = next((u.id for u in activity.leaders if u.role is Role.LEADER), None)
    leader_name = activity.leaders[0].name if activity.leaders else "带队领导"
    texts = MET if spec.regions and spec.kind != "招商推介会" else AT_HOME
    _visit(
        world,
        lead,
        recorder,
        day,
        rng.choice(texts).format(leader=leader_name, industry=spec.industry),
        kind_id=world.refs[RefKind.VISIT_KIND][VISIT_KIND.get(spec.kind, "外出拜访")],
        place=f"{company.name}总部" if spec.regions else "区招商服务中心",
        leader_present_id=present,
        participant_ids=[u.id for u in participants],
        activity_id=activity.id,
        outcome="企业同意进一步来区考察",
    )
    made, age = 1, (today - day).days  # the visit credited to the activity (follow-ups are not)
    follow = day + dt.timedelta(days=rng.randint(10, 25))
    if follow <= today:
        _visit(world, lead, owner, follow, rng.choice(FOLLOW_UPS), kind_id=world.refs[RefKind.VISIT_KIND]["电话沟通"])
    roll = 0.0 if force else rng.random()
    if not (age > 30 and roll < 0.55):
        if age > 60 and roll > 0.85:
            reason = world.refs[RefKind.REASON].get("选址他处")
            pipeline.shelve(
                lead, owner, reason_id=reason, note="企业最终选址他处。", on=follow if follow <= today else day
            )
        return made, 0, 0
    talks = min(today, max(follow, day) + dt.timedelta(days=rng.randint(3, 15)))
    pipeline.advance(lead, LeadStatus.NEGOTIATING, owner, on=talks)
    converted = talks + dt.timedelta(days=rng.randint(20, 50))
    if converted > today or (not force and rng.random() > 0.35):
        return made, 1, 0
    key = amount >= 10000
    project = pipeline.convert_lead(lead, world.admin if key else owner, {"on": converted, "is_key": key})
    signed = converted + dt.timedelta(days=rng.randint(15, 45))
    if signed > today or (not force and rng.random() > 0.6):
        return made, 1, 0
    agreed = (amount * Decimal(rng.randint(85, 110)) / 100).quantize(Decimal(100))
    agreement_services.record_agreement(
        project,
        {
            "kind": AgreementKind.INVESTMENT,
            "signed_on": signed,
            "agreed_investment": agreed,
            "our_signatory": activity.leaders[0].display if activity.leaders else "区投资促进局局长",
            "their_signatory": "董事长",
            "committed_construction_on": signed + dt.timedelta(days=rng.randint(90, 180)),
            "committed_production_on": signed + dt.timedelta(days=rng.randint(400, 600)),
        },
        world.admin,
        today=today,
    )
    return made, 1, 1


def _visit_known(world, rng, activity, companies, start, last, actor) -> int:
    """Visits, during the trip, to a company of the city the district already
    follows (its open lead, contacted before the trip)."""
    open_leads = [
        lead
        for company in companies
        for lead in db.session.scalars(
            sa.select(Lead).where(
                Lead.company_id == company.id,
                Lead.archived_at.is_(None),
                Lead.status.in_((LeadStatus.CONTACTED, LeadStatus.NEGOTIATING)),
                Lead.received_on < start,
            )
        )
    ]
    made = 0
    for lead in rng.sample(open_leads, k=min(len(open_leads), rng.randint(0, 2))):
        day = start + dt.timedelta(days=rng.randint(0, (last - start).days))
        _visit(
            world,
            lead,
            actor,
            day,
            f"随团赴{lead.company.name}总部回访，跟进项目推进情况，企业介绍了最新投资计划。",
            kind_id=world.refs[RefKind.VISIT_KIND]["外出拜访"],
            place=f"{lead.company.name}总部",
            activity_id=activity.id,
        )
        made += 1
    return made
