"""Fault injection and timing knobs (LocalStack-style chaos for the provider's reliability tests)."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Literal

_FRACTIONS = ("error_rate", "fail_operations", "stuck_operations")
_DURATIONS = ("operation_delay", "latency_ms")


def _check(name: str, value: float) -> None:
    if name in _FRACTIONS and not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a fraction between 0 and 1, got {value}")
    if name in _DURATIONS and value < 0:
        raise ValueError(f"{name} must not be negative")


@dataclass
class Faults:
    """What goes wrong, and how slowly things happen.

    Attributes:
        operation_delay: seconds an Operation stays PENDING before it completes.
        latency_ms: milliseconds added to every API response.
        error_rate: fraction (0-1) of API requests answered 429 (with Retry-After), 500 or 503 before
            anything is done.
        fail_operations: fraction of Operations that end FAILED.
        stuck_operations: fraction of Operations that stay PENDING for ever.
        seed: seeds the random choices, for reproducible runs.
    """

    operation_delay: float = 0.0
    latency_ms: float = 0.0
    error_rate: float = 0.0
    fail_operations: float = 0.0
    stuck_operations: float = 0.0
    seed: int | None = None
    _random: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self.validate()

    def validate(self) -> None:
        """Raise ValueError for a negative delay or a fraction outside 0-1."""
        for name in _FRACTIONS + _DURATIONS:
            _check(name, getattr(self, name))

    def update(self, **changes: float | None) -> None:
        """Change some knobs at once (admin API); ``None`` leaves a knob as it is.

        Raises:
            ValueError: an unknown name, or a value out of range; then nothing changes.
        """
        values = {name: float(value) for name, value in changes.items() if value is not None}
        for name in changes:
            if name not in _FRACTIONS + _DURATIONS:
                raise ValueError(f"unknown fault setting {name!r}")
        for name, value in values.items():
            _check(name, value)
        for name, value in values.items():
            setattr(self, name, value)

    def as_dict(self) -> dict[str, float]:
        """The knobs, for the admin API."""
        return {
            "operationDelay": self.operation_delay,
            "latencyMs": self.latency_ms,
            "errorRate": self.error_rate,
            "failOperations": self.fail_operations,
            "stuckOperations": self.stuck_operations,
        }

    def injected_error(self, statuses: tuple[int, ...]) -> int | None:
        """The status of an error to inject now (one of ``statuses``), or ``None``."""
        with self._lock:
            if self.error_rate and self._random.random() < self.error_rate:
                return self._random.choice(statuses)
        return None

    def operation_fate(self) -> Literal["ok", "fail", "stuck"]:
        """``"ok"``, ``"fail"`` or ``"stuck"`` for a new Operation."""
        with self._lock:
            roll = self._random.random()
        if roll < self.stuck_operations:
            return "stuck"
        if roll < self.stuck_operations + self.fail_operations:
            return "fail"
        return "ok"
