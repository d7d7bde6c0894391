"""(filled in by the feature that owns it)"""

from app.delivery import bp  # noqa: F401
