"""`make screenshots`: PNGs of the main pages, taken from a fresh demo
district, for the README.

Starts the app on a free loopback port with a new SQLite database (migrated,
seeded with `seed-demo`'s data) in a temporary folder, signs in as the demo
users with the system Chromium (Playwright; set CHROMIUM_PATH to choose
another browser) and writes the pictures listed in SHOTS into
docs/screenshots/ (or the folder given with --out). Nothing outside the
temporary folder and the output folder is touched."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.demo import DEMO_PASSWORD  # noqa: E402
from config import DevelopmentConfig  # noqa: E402

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# The chart canvas, summed: equal on two polls in a row means ECharts has
# finished its entry animation.
CHARTS_SETTLED = """() => {
    const canvases = Array.from(document.querySelectorAll('[data-chart] canvas'));
    if (canvases.length === 0) return true;
    let sum = 0;
    for (const canvas of canvases) {
        if (!canvas.width) return false;
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < data.length; i += 97) sum = (sum + data[i] * (i % 251)) % 1000000007;
    }
    const settled = sum > 0 && window.__chartSum === sum;
    window.__chartSum = sum;
    return settled;
}"""


@dataclass(frozen=True)
class Shot:
    filename: str
    username: str
    path: str | Callable[[Any], str]  # a path, or one computed from the app
    caption: str
    phone: bool = False  # 390×844, the first screen; else 1366 wide, the whole page…
    height: int | None = None  # …or only its top `height` pixels (long report pages)


def key_project_path(app: Any) -> str:
    """The demo leader's key project that shows the most: five ones
    complete, then signed, then the most milestones."""
    import sqlalchemy as sa

    from app.db import db
    from app.models import Agreement, Milestone, Project, Role, User
    from app.projects.five_ones import complete_expression

    with app.app_context():
        leader = db.session.scalar(sa.select(User.id).where(User.username == "leader", User.role == Role.LEADER))
        milestones = sa.select(sa.func.count(Milestone.id)).where(Milestone.project_id == Project.id).scalar_subquery()
        signed = sa.select(Agreement.id).where(Agreement.project_id == Project.id).exists()
        project_id = db.session.scalar(
            sa.select(Project.id)
            .where(Project.responsible_leader_id == leader, Project.is_key.is_(True), Project.archived_at.is_(None))
            .order_by(complete_expression().desc(), signed.desc(), milestones.desc(), Project.id)
            .limit(1)
        )
        db.session.remove()
    if project_id is None:
        raise SystemExit("The demo district has no key project for the demo leader.")
    return f"/projects/{project_id}"


def first_chain_path(app: Any) -> str:
    """The demo district's first industry chain's map."""
    import sqlalchemy as sa

    from app.db import db
    from app.models import Chain

    with app.app_context():
        chain_id = db.session.scalar(sa.select(sa.func.min(Chain.id)))
    return f"/chains/{chain_id}"


def open_review_scoring_path(app: Any) -> str:
    """The scoring page of the demo's open 观摩 event (the staff user reviews it)."""
    import sqlalchemy as sa

    from app.db import db
    from app.models import ReviewEvent, ReviewStatus

    with app.app_context():
        review_id = db.session.scalar(
            sa.select(sa.func.min(ReviewEvent.id)).where(ReviewEvent.status == ReviewStatus.OPEN)
        )
    return f"/reviews/{review_id}/score"


SHOTS = [
    Shot("desk.png", "leader", "/", "领导工作台：分包项目的红黄绿灯、下一节点、未销号问题与待签收批示"),
    Shot("leads.png", "staff", "/leads/", "招商线索列表：状态、本状态天数、逾期与撞单标记，筛选与导出"),
    Shot(
        "project.png",
        "leader",
        key_project_path,
        "重点项目页面：红黄绿灯、五个一落实情况、时间节点与推进记录",
        height=1500,
    ),
    Shot(
        "funnel.png",
        "leader",
        "/reports/funnel?view=flow",
        "招商漏斗（流量视图）：线索 → 已对接 → 洽谈 → 签约 → 开工 → 投产，每个数字可点开记录清单",
        height=1150,
    ),
    Shot(
        "library.png",
        "leader",
        "/reports/library",
        "项目库统计：四库（谋划、招引、签约、落地）的项目数与计划总投资，按部门展开",
        height=1250,
    ),
    Shot("phone-desk.png", "leader", "/", "手机上的领导工作台：灯色与下一节点一屏可见，菜单折叠", phone=True),
    Shot("phone-leads.png", "staff", "/leads/", "手机上的招商线索列表：表格不需左右滑动", phone=True),
    Shot(
        "phone-home.png",
        "staff",
        "/",
        "手机上的招商员首页：登记线索、记录拜访、我的待跟进一点即达，时限将至的线索",
        phone=True,
    ),
    Shot(
        "supervisor-home.png",
        "viewer",
        "/",
        "督查首页：红黄灯重点项目及原因、逾期问题按责任部门、龙虎榜入口",
        height=1200,
    ),
    Shot(
        "activities.png",
        "leader",
        "/activities/",
        "招商活动列表：带队领导、地区、天数及走访、线索、签约成果",
        height=1100,
    ),
    Shot(
        "activities-report.png",
        "leader",
        "/reports/activities",
        "招商活动统计：按带队领导的活动次数、外出天数、对接企业、线索与签约，每个数字可点开",
        height=1100,
    ),
    Shot("phone-calendar.png", "staff", "/activities/calendar", "手机上的招商活动月历：按日列出活动", phone=True),
    Shot(
        "chain-map.png",
        "leader",
        first_chain_path,
        "产业链图谱：各环节按强弱着色（缺链/弱链/强链），点开环节看本地企业、项目与目标企业",
        height=1100,
    ),
    Shot(
        "targets.png",
        "staff",
        "/chains/targets",
        "招商目标企业库：按产业链、环节、优先级筛选，一步转为线索",
        height=1000,
    ),
    Shot(
        "phone-review-score.png",
        "staff",
        open_review_scoring_path,
        "手机上的观摩评分：逐个项目按评分表打分，保存后进入下一个",
        phone=True,
    ),
    Shot("ranking.png", "leader", "/reports/ranking", "比学赶超综合排名：各部分得分与权重列在总分旁", height=1100),
    Shot(
        "inspections.png", "viewer", "/inspections/", "营商环境督办台账：整改要求、期限、责任部门与督办等级", height=900
    ),
    Shot(
        "notifications.png",
        "staff",
        "/notifications/",
        "消息中心：批示、交办、督办与撞单提醒，打开时重新核对权限",
        height=900,
    ),
]


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    raise SystemExit("Chromium not found: install Debian's chromium (and fonts-noto-cjk) or set CHROMIUM_PATH.")


def demo_app(folder: Path) -> Any:
    """The app on a fresh, migrated demo database inside `folder`."""

    class ScreenshotConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'demo.sqlite3'}"
        UPLOAD_DIR = str(folder / "uploads")

    app = create_app(ScreenshotConfig)
    with app.app_context():
        from flask_migrate import upgrade

        from app import demo
        from app.db import db

        upgrade()
        for line in demo.run_all():
            print(f"  {line}")
        db.session.commit()
        db.session.remove()
    return app


@contextmanager
def serving(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def take(browser: Any, base: str, app: Any, shot: Shot, out: Path) -> Path:
    phone = shot.phone
    context = browser.new_context(
        viewport=PHONE if phone else DESKTOP,
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
        locale="zh-CN",
        reduced_motion="reduce",
    )
    context.set_default_timeout(20000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(base + "/auth/login")
        page.fill("input[name=username]", shot.username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(base + "/")
        path = shot.path(app) if callable(shot.path) else shot.path
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.wait_for_function(CHARTS_SETTLED, polling=250)
        target = out / shot.filename
        if shot.height:
            height = min(shot.height, page.evaluate("() => document.documentElement.scrollHeight"))
            clip = {"x": 0, "y": 0, "width": DESKTOP["width"], "height": height}
            page.screenshot(path=str(target), full_page=True, clip=clip)
        else:
            page.screenshot(path=str(target), full_page=not phone)
    finally:
        context.close()
    if errors:
        raise SystemExit(f"{shot.filename}: the page reported errors:\n" + "\n".join(errors))
    return target


def write_index(out: Path) -> Path:
    """docs/screenshots/README.md: one line per picture, from SHOTS (a
    "Taken by hand" section already there is kept as it is)."""
    lines = [
        "# Screenshots",
        "",
        "Taken by `make screenshots` (scripts/screenshots.py) from a fresh demo district",
        "(`seed-demo`), signed in as the demo users; desktop at 1366 px wide, phone at",
        "390×844. Regenerate them after changing a page; the main README embeds them.",
        "",
    ]
    for shot in SHOTS:
        who = {"leader": "领导 leader", "staff": "招商人员 staff"}.get(shot.username, shot.username)
        size = "手机 390×844" if shot.phone else "桌面 1366 宽"
        lines.append(f"- [`{shot.filename}`]({shot.filename}) — {shot.caption}（{who}，{size}）")
    target = out / "README.md"
    old = target.read_text(encoding="utf-8") if target.exists() else ""
    marker = old.find("\nTaken by hand")
    manual = old[marker:] if marker >= 0 else ""
    target.write_text("\n".join(lines) + "\n" + manual, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="zs-screenshots-"))
    try:
        print("Demo district in", folder)
        app = demo_app(folder)
        with serving(app) as base, sync_playwright() as playwright:
            # Chinese date pickers (年/月/日) need Debian's chromium-l10n as well.
            browser = playwright.chromium.launch(
                executable_path=chromium_path(),
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--lang=zh-CN"],
                env={**os.environ, "LANGUAGE": "zh_CN"},
            )
            try:
                for shot in SHOTS:
                    target = take(browser, base, app, shot, args.out)
                    print(f"  {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
            finally:
                browser.close()
        print(f"  {write_index(args.out)}")
        with app.app_context():
            from app.db import db

            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
