"""Building blocks of the typed read models: a time that serializes as ``isoformat()`` (the
form every medsec JSON output has used) and the base of read models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer

IsoTime = Annotated[datetime, PlainSerializer(lambda v: v.isoformat(), return_type=str)]
IsoDate = Annotated[date, PlainSerializer(lambda v: v.isoformat(), return_type=str)]


class ReadModel(BaseModel):
    """A read model: fields named and typed for OpenAPI; keys a newer service adds pass through
    until the model names them."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
