"""A moto-style emulator of Twilio's Intelligence v3 and Conversations v2 ControlPlane APIs.

* in process: ``with mock_twilio() as twilio: ...`` routes every ``TwilioClient`` to it;
* as a server: ``twilio-intelligence-emulator --port 8080 --state emulator.sqlite``.
"""

from .accounts import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN
from .app import build_app
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
    "build_app",
    "mock_twilio",
]
