"""Deterministic Idempotency-Keys for asynchronous writes.

The key is a UUID (version 5) of the resource's identity (project, stack, type and name), the
request (method and path), the desired body and, for updates, the version in the state. Re-running
``pulumi up`` after a crash sends the same key, so Twilio answers with the original Operation
instead of starting a duplicate; any change of inputs gives a new key. ``attempt`` moves to a fresh
key when the original Operation turns out to be an earlier run's failure or deleted object.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

_NAMESPACE = uuid.UUID("6f1b5d1e-2a3c-4f7e-9b8a-7c1d2e3f4a5b")

#: An Operation created more than this many seconds before we sent the request is a replay.
REPLAY_AGE = 60.0


def idempotency_key(resource: Any, method: str, target: str, body: Any, version: Any, attempt: int = 0) -> str:
    """The Idempotency-Key (UUID text) of one asynchronous write."""
    material = json.dumps([resource, method, target, body, version, attempt], sort_keys=True, default=str)
    return str(uuid.uuid5(_NAMESPACE, material))


def is_replay(created_at: str | None, sent_at: float) -> bool:
    """Whether an Operation created at ``created_at`` (ISO-8601) predates a request sent at
    ``sent_at`` (epoch seconds) by more than :data:`REPLAY_AGE`: Twilio replayed an old answer."""
    if not created_at:
        return False
    try:
        created = datetime.fromisoformat(created_at.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return False
    return created < sent_at - REPLAY_AGE
