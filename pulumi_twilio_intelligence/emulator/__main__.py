"""``python -m pulumi_twilio_intelligence.emulator``: the emulator server."""

import sys

from .server import main

sys.exit(main())
