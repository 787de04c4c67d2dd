"""Manufacturers, device models (products) and their releases."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medsec.models.base import Base, CreatedMixin


class Manufacturer(CreatedMixin, Base):
    """A device manufacturer."""

    __tablename__ = "manufacturer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Product(CreatedMixin, Base):
    """A device model (product line), named uniquely."""

    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    manufacturer_id: Mapped[int] = mapped_column(ForeignKey("manufacturer.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    # jurisdiction profile codes (medsec.jurisdictions): fda, jp, eu, ca; empty: fda
    markets: Mapped[list[str]] = mapped_column(JSON, default=list)

    manufacturer: Mapped[Manufacturer] = relationship(lazy="raise")
    releases: Mapped[list[Release]] = relationship(back_populates="product", lazy="raise")


class Release(CreatedMixin, Base):
    """One release (version) of a product with its intended use and interfaces."""

    __tablename__ = "release"
    __table_args__ = (UniqueConstraint("product_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[str] = mapped_column(String(100))
    release_date: Mapped[date | None] = mapped_column(Date)
    use_environment: Mapped[str] = mapped_column(String(20), default="hospital")
    clinical_function: Mapped[str | None] = mapped_column(Text)
    essential_performance: Mapped[str | None] = mapped_column(Text)
    interfaces: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    product: Mapped[Product] = relationship(back_populates="releases", lazy="raise")
