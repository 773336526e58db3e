"""A moto-style emulator of Twilio's Intelligence v3 and Conversations v2 ControlPlane APIs.

* in process: ``with mock_twilio() as twilio: ...`` routes every ``TwilioClient`` to it;
* as a server: ``twilio-intelligence-emulator --port 8080 --state emulator.sqlite``;
* in pytest: the ``twilio_emulator`` fixture (:mod:`.pytest_plugin`, registered by the package).
"""

from .accounts import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN
from .app import build_app
from .clock import ManualClock
from .core import Emulator
from .faults import Faults
from .inprocess import EmulatorTransport, InProcessEmulator, mock_twilio
from .process import EmulatorProcess

__all__ = [
    "DEMO_ACCOUNT_SID",
    "DEMO_AUTH_TOKEN",
    "Emulator",
    "EmulatorProcess",
    "EmulatorTransport",
    "Faults",
    "InProcessEmulator",
    "ManualClock",
    "build_app",
    "mock_twilio",
]
