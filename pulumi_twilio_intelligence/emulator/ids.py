"""TTIDs: ``<prefix>_`` + a lowercase ULID (26 characters, the first one 0-7), minted with python-ulid."""

from __future__ import annotations

import random
import threading
import time

from ulid import ULID


class IdFactory:
    """Mints TTIDs. With a ``seed`` the random part is reproducible (moto-style seeded ids).

    ``mint("intelligence_operator")`` returns e.g. ``intelligence_operator_01kcgy1ew0e9x8re6jq542zt8b``.
    """

    def __init__(self, seed: int | None = None, clock: object = time.time) -> None:
        self._random = random.Random(seed) if seed is not None else None
        self._clock = clock
        self._lock = threading.Lock()

    def mint(self, prefix: str) -> str:
        """A new TTID with this prefix."""
        if self._random is None:
            return f"{prefix}_{str(ULID()).lower()}"
        with self._lock:
            millis = int(self._clock() * 1000)  # type: ignore[operator]
            entropy = self._random.getrandbits(80).to_bytes(10, "big")
        return f"{prefix}_{str(ULID.from_bytes(millis.to_bytes(6, 'big') + entropy)).lower()}"
