"""Building blocks of the typed read models: a time that serializes as ``isoformat()`` (the
form every medsec JSON output has used), the base of read models, the largest page of a list."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer

MAX_PAGE = 500  # the most rows one page of any list gives (API `limit`, web pages)

IsoTime = Annotated[datetime, PlainSerializer(lambda v: v.isoformat(), return_type=str)]
IsoDate = Annotated[date, PlainSerializer(lambda v: v.isoformat(), return_type=str)]


class ReadModel(BaseModel):
    """A read model: fields named and typed for OpenAPI; keys a newer service adds pass through
    until the model names them."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
