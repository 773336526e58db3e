"""Fault injection and timing knobs (LocalStack-style chaos for the provider's reliability tests)."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Literal

_FRACTIONS = ("error_rate", "fail_operations", "stuck_operations", "cancel_operations", "omit_configuration_ids")
_DURATIONS = ("operation_delay", "latency_ms")
#: On/off settings: the documented variant where live Twilio differs, and the live statuses.
_SWITCHES = ("documented_patch", "live_operation_statuses", "documented_limits")

Fate = Literal["ok", "fail", "stuck", "cancel"]


def _check(name: str, value: float) -> None:
    if name in _FRACTIONS and not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a fraction between 0 and 1, got {value}")
    if name in _DURATIONS and value < 0:
        raise ValueError(f"{name} must not be negative")
    if name in _SWITCHES and not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")


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
        cancel_operations: fraction of Operations that end CANCELLED (a status of Twilio's docs
            page, not of the document's enum, C8); their change is not applied.
        omit_configuration_ids: fraction of Conversation Configuration creates whose 202 and
            Operation carry no ``related.configurationId`` (as live Twilio may answer, C4).
        documented_patch: serve the documented PATCH of Conversation Configurations instead of
            live Twilio's 405 (C3).
        live_operation_statuses: Operations are ``RUNNING`` for the second half of their delay,
            before their terminal status (C8).
        documented_limits: only the documents' limits: no live limit of 10 Conversation
            Configurations per account (C2), for set-ups larger than a real account allows.
        seed: seeds the random choices, for reproducible runs.
    """

    operation_delay: float = 0.0
    latency_ms: float = 0.0
    error_rate: float = 0.0
    fail_operations: float = 0.0
    stuck_operations: float = 0.0
    cancel_operations: float = 0.0
    omit_configuration_ids: float = 0.0
    documented_patch: bool = False
    live_operation_statuses: bool = False
    documented_limits: bool = False
    seed: int | None = None
    _random: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self.validate()

    def validate(self) -> None:
        """Raise ValueError for a negative delay or a fraction outside 0-1."""
        for name in _FRACTIONS + _DURATIONS + _SWITCHES:
            _check(name, getattr(self, name))

    def update(self, **changes: float | bool | None) -> None:
        """Change some knobs at once (admin API); ``None`` leaves a knob as it is.

        Raises:
            ValueError: an unknown name, or a value out of range (a switch that is not a boolean);
                then nothing changes.
        """
        for name in changes:
            if name not in _FRACTIONS + _DURATIONS + _SWITCHES:
                raise ValueError(f"unknown fault setting {name!r}")
        values = {
            name: value if name in _SWITCHES else float(value) for name, value in changes.items() if value is not None
        }
        for name, value in values.items():
            _check(name, value)
        for name, value in values.items():
            setattr(self, name, value)

    def as_dict(self) -> dict[str, float | bool]:
        """The knobs, for the admin API."""
        return {
            "operationDelay": self.operation_delay,
            "latencyMs": self.latency_ms,
            "errorRate": self.error_rate,
            "failOperations": self.fail_operations,
            "stuckOperations": self.stuck_operations,
            "cancelOperations": self.cancel_operations,
            "omitConfigurationIds": self.omit_configuration_ids,
            "documentedPatch": self.documented_patch,
            "liveOperationStatuses": self.live_operation_statuses,
            "documentedLimits": self.documented_limits,
        }

    def injected_error(self, statuses: tuple[int, ...]) -> int | None:
        """The status of an error to inject now (one of ``statuses``), or ``None``."""
        with self._lock:
            if self.error_rate and self._random.random() < self.error_rate:
                return self._random.choice(statuses)
        return None

    def operation_fate(self) -> Fate:
        """``"ok"``, ``"fail"``, ``"stuck"`` or ``"cancel"`` for a new Operation."""
        with self._lock:
            roll = self._random.random()
        if roll < self.stuck_operations:
            return "stuck"
        if roll < self.stuck_operations + self.fail_operations:
            return "fail"
        if roll < self.stuck_operations + self.fail_operations + self.cancel_operations:
            return "cancel"
        return "ok"

    def omits_configuration_id(self) -> bool:
        """Whether a new Conversation Configuration create names no id (``omit_configuration_ids``)."""
        if not self.omit_configuration_ids:
            return False
        with self._lock:
            return self._random.random() < self.omit_configuration_ids
