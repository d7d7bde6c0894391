"""The 观摩 on a phone (390 px): a reviewer signs in, opens 观摩评比 from the
menu, finds the event waiting for them under 待我评分, and scores three
projects one after another — the project in sight, a big box per
criterion, 保存，评下一个 — until the page says every project is done; a
score over 100 is refused with the boxes kept; nothing scrolls sideways,
the console stays clean, and the scores are in the database."""

from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from tests.browser.conftest import has_horizontal_scroll, sign_in
from tests.browser.journey_setup import Console, app_session
from tests.browser.test_journeys import flash, follow, nav_to


def open_event(server) -> tuple[int, list[str], int]:
    """(id, project names in order, criteria count) of the demo's open review
    the demo `staff` is a reviewer on."""
    from app.models import ReviewEvent, ReviewStatus

    with app_session(server) as session:
        event = session.scalar(sa.select(ReviewEvent).where(ReviewEvent.status == ReviewStatus.OPEN))
        assert event is not None and any(u.username == "staff" for u in event.reviewers)
        return event.id, [item.project.name for item in event.projects], len(event.criteria)


def scores_of(server, event_id: int, username: str) -> list[Decimal]:
    from app.models import ReviewScore, User

    with app_session(server) as session:
        user = session.scalar(sa.select(User).where(User.username == username))
        return list(
            session.scalars(
                sa.select(ReviewScore.score)
                .where(ReviewScore.event_id == event_id, ReviewScore.reviewer_id == user.id)
                .order_by(ReviewScore.item_id, ReviewScore.criterion_id)
            )
        )


def test_a_reviewer_scores_three_projects_on_a_phone(phone, live_server):
    console = Console(phone)
    event_id, names, criteria = open_event(live_server)
    assert len(names) == 3 and criteria == 4
    sign_in(phone, live_server, "staff")
    nav_to(phone, "观摩评比")
    waiting = phone.locator("section", has=phone.locator("#mine-title"))
    assert "待我评分" in waiting.inner_text()
    follow(phone, waiting.get_by_role("link").first)
    phone.wait_for_url(re.compile(rf"/reviews/{event_id}/score"))

    sheets = [[90, 85, 80, 75], [70, 72.5, 60, 65], [88, 90, 92, 86]]
    for number, (name, values) in enumerate(zip(names, sheets, strict=True), start=1):
        assert phone.locator("#project-title").inner_text() == name
        assert f"第 {number} / 3 个项目" in phone.locator(".review-score").inner_text()
        boxes = phone.locator("input.score-input")
        assert boxes.count() == 4
        box = boxes.first.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 300  # a thumb's target across the phone
        assert not has_horizontal_scroll(phone)
        if number == 2:  # a slip of the thumb: 725 for 72.5
            for index, value in enumerate([70, 725, 60, 65]):
                boxes.nth(index).fill(str(value))
            action = phone.locator("form[action*='/score/']").get_attribute("action")
            console.expect(live_server.path(action))  # the refusal is the point
            follow(phone, phone.get_by_role("button", name="保存，评下一个"))
            phone.wait_for_load_state()
            assert "0–100" in flash(phone)
            assert phone.locator("input.score-input").nth(1).input_value() == "725"  # the input kept
        boxes = phone.locator("input.score-input")
        for index, value in enumerate(values):
            boxes.nth(index).fill(str(value))
        follow(phone, phone.get_by_role("button", name="保存，评下一个"))
        assert name in flash(phone)

    assert "全部 3 个项目已评完" in phone.locator(".review-score").inner_text()
    done = phone.locator(".list-group .badge", has_text="已评")
    assert done.count() == 3
    assert not has_horizontal_scroll(phone)
    assert scores_of(live_server, event_id, "staff") == [Decimal(str(v)) for sheet in sheets for v in sheet]
    console.assert_clean()
