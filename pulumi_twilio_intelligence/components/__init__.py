"""Components: a whole set-up made of the package's resources (``TenantIntelligence``)."""

from .tenant import TenantIntelligence

__all__ = ["TenantIntelligence"]
