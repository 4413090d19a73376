"""Rule files: pydantic models and the single loader that validates them all."""

from csops.rules.loader import RuleSet, load_rules

__all__ = ["RuleSet", "load_rules"]
