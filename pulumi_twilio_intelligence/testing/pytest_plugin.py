"""A pytest plugin: the in-process Twilio emulator as a fixture (registered through the ``pytest11`` entry point).

Installing the package makes these available in every test suite, with no ``conftest.py``:

* ``twilio_emulator``: a fresh :class:`~pulumi_twilio_intelligence.testing.InProcessEmulator` per
  test. Every ``TwilioClient`` created during the test (the provider's too) talks to it;
  ``twilio_emulator.http_client()`` gives a raw authenticated ``httpx.Client``.
* ``twilio_http``: a raw ``httpx.Client`` authenticated as the emulator's first account, for
  calling the Twilio endpoints directly (``twilio_http.get("https://intelligence.twilio.com/v3/...")``).
* ``twilio_emulator_options``: the keyword arguments of
  :class:`~pulumi_twilio_intelligence.emulator.Emulator` used by ``twilio_emulator`` (default none);
  override it in a ``conftest.py`` for a whole suite.
* the marker ``@pytest.mark.twilio_emulator(**kwargs)``: the same keyword arguments for one test,
  merged over ``twilio_emulator_options``::

      @pytest.mark.twilio_emulator(faults=Faults(operation_delay=5), clock=ManualClock())
      def test_pending(twilio_emulator): ...

An emulator starts only when a test uses one of these fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .inprocess import InProcessEmulator, mock_twilio

if TYPE_CHECKING:
    import httpx

MARKER = "twilio_emulator"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``twilio_emulator`` marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers", f"{MARKER}(**kwargs): keyword arguments of the Emulator behind the twilio_emulator fixture"
    )


@pytest.fixture
def twilio_emulator_options() -> dict[str, Any]:
    """Keyword arguments of the Emulator behind ``twilio_emulator`` (``seed``, ``faults``, ``clock``,
    ``accounts``, ``api_keys``, ``state_path``); override this fixture to change them for a suite."""
    return {}


@pytest.fixture
def twilio_emulator(
    request: pytest.FixtureRequest, twilio_emulator_options: dict[str, Any]
) -> Iterator[InProcessEmulator]:
    """A fresh in-process Twilio emulator for one test (the demo account unless told otherwise).

    Yields:
        InProcessEmulator: ``.settings()`` and ``.http_client()`` authenticate as its accounts;
        every ``TwilioClient`` created while the test runs is routed to it.
    """
    options = dict(twilio_emulator_options)
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        options.update(marker.kwargs)
    with mock_twilio(**options) as emulator:
        yield emulator


@pytest.fixture
def twilio_http(twilio_emulator: InProcessEmulator) -> Iterator[httpx.Client]:
    """An ``httpx.Client`` authenticated as the first account of ``twilio_emulator`` (any Twilio URL)."""
    with twilio_emulator.http_client() as client:
        yield client
