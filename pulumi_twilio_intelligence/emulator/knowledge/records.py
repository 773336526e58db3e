"""Typed records of the Knowledge v2 backend (besides knowledge bases and knowledge sources, which
are kept as the wire bodies the API serves)."""

from __future__ import annotations

from ..state import Record


class Processing(Record):
    """A knowledge source being processed: since when (epoch seconds) and how it will end."""

    knowledge_id: str
    knowledge_base_id: str
    started: float
    fate: str


class Upload(Record):
    """The permission to upload a file source's file (its ``importUrl``), until ``expires``."""

    token: str
    knowledge_base_id: str
    knowledge_id: str
    file_size: int
    expires: float
