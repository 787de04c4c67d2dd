"""All ORM tables; importing this module registers every mapper."""

from medsec.models.audit import AuditEvent
from medsec.models.base import Base
from medsec.models.product import Manufacturer, Product, Release
from medsec.models.sbom import Component, Dependency, Sbom

__all__ = [
    "AuditEvent",
    "Base",
    "Component",
    "Dependency",
    "Manufacturer",
    "Product",
    "Release",
    "Sbom",
]
