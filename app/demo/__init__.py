"""Demo data for a believable district (`flask seed-demo`). Each feature adds
its own step module; steps run in order and each is idempotent, so seeding
twice never duplicates anything. Never runs under the production config."""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app import clock
from app.auth.passwords import DEMO_PASSWORD as DEMO_PASSWORD

# Step modules, each with `seed(ctx: DemoContext) -> str` (a one-line summary).
STEPS = (
    "app.demo.org",
    "app.demo.leads",
    "app.demo.activities",
    "app.demo.projects",
    "app.demo.agreements",
    "app.demo.delivery",
    "app.demo.approvals",
    "app.demo.supervision",
    "app.demo.chains",
    "app.demo.reviews",
    "app.demo.reports",
)

DEMO_SIGN_INS = (
    ("admin", "管理员"),
    ("leader", "领导（常务副区长）"),
    ("staff", "招商人员（东城街道）"),
    ("viewer", "督查/只读"),
    ("bureau", "投资促进局招商科（可审核投资月报）"),
    ("zjj", "审批部门（区住房和城乡建设局）"),
)


@dataclass
class DemoContext:
    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(20261123))
    data: dict[str, Any] = field(default_factory=dict)


def run_all(today: date | None = None) -> list[str]:
    """Run every available step; returns their summaries."""
    ctx = DemoContext(today=today or clock.today())
    summaries = []
    for name in STEPS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # that feature has no demo step yet
            raise
        summaries.append(module.seed(ctx))
    return summaries
