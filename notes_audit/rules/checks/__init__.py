"""One small check per reason code, grouped by subject. Importing this package registers them."""

from notes_audit.rules.checks import claim, drug, dx, em, note, supervision  # noqa: F401  (registers)
from notes_audit.rules.checks.base import CHECK_CLASSES, Check, register

__all__ = ["CHECK_CLASSES", "Check", "register"]
