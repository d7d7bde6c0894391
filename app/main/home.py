"""Home-page panels. Each feature registers the panels it contributes (the
leads area its overdue leads and follow-ups, the projects area the leader's
desk …) so the home view stays thin and features stay apart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.models import User


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any]


PanelBuilder = Callable[[User], Panel | list[Panel] | None]
_BUILDERS: list[tuple[int, PanelBuilder]] = []


def home_panel(order: int) -> Callable[[PanelBuilder], PanelBuilder]:
    """Register a builder; it returns a Panel, several Panels read from one
    query, or None when it has nothing."""

    def decorator(builder: PanelBuilder) -> PanelBuilder:
        _BUILDERS.append((order, builder))
        _BUILDERS.sort(key=lambda item: item[0])
        return builder

    return decorator


def panels_for(user: User) -> list[Panel]:
    panels: list[Panel] = []
    for _order, build in _BUILDERS:
        built = build(user)
        if isinstance(built, Panel):
            panels.append(built)
        elif built:
            panels.extend(built)
    return panels
