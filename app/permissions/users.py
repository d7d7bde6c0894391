"""Who may manage user accounts: admin only (everyone else manages only
their own password, through the sign-in pages)."""

from __future__ import annotations

from app.models import Role, User
from app.permissions.loading import register


def can_manage_user(user: User, target: User) -> bool:
    return user.role is Role.ADMIN


register(User, view=can_manage_user, edit=can_manage_user, hide_archived=False)
