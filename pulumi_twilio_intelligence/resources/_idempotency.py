"""Deterministic Idempotency-Keys for asynchronous writes (Conversations v2).

The key is a UUID (version 5) of the resource's identity (project, stack, type and name), the
request (method and path), the desired body and, for updates, the version in the state. Re-running
``pulumi up`` after a crash sends the same key, so Twilio answers with the original Operation
instead of starting a duplicate; any change of inputs gives a new key.

Twilio remembers a key for 24 hours. When the key turns out to replay an earlier write that cannot
serve (a FAILED Operation, or a create whose object has been deleted since: an ``up``/``destroy``
loop), the provider moves to the next key of the same sequence (``attempt`` 1, 2, ...), at most
:data:`MAX_KEYS` of them. Each key it skips costs one replayed request, one Operation poll (after
the replayed ``Retry-After``) and, for a create, one fetch.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

_NAMESPACE = uuid.UUID("6f1b5d1e-2a3c-4f7e-9b8a-7c1d2e3f4a5b")

#: Idempotency-Keys tried for one write before giving up (each skipped key replayed an earlier write).
MAX_KEYS = 100


def idempotency_key(resource: Any, method: str, target: str, body: Any, version: Any, attempt: int = 0) -> str:
    """The Idempotency-Key (UUID text) of one asynchronous write.

    Args:
        resource: the resource's identity, ``"project/stack/type/name"`` (``__name`` in its inputs;
            ``None`` for a resource without one).
        method: ``POST``, ``PUT`` or ``DELETE``.
        target: the request path, ``/v2/ControlPlane/Configurations[/{id}]``.
        body: the JSON body sent (wire shape), or ``None``.
        version: for an update, the object's ``version`` in the Pulumi state; else ``None``.
        attempt: the position in the sequence of keys of this write: 0 first, then 1, 2, ... for
            keys that replace keys which replayed an unusable earlier write.
    """
    material = json.dumps([resource, method, target, body, version, attempt], sort_keys=True, default=str)
    return str(uuid.uuid5(_NAMESPACE, material))
