"""A moto-style emulator of Twilio's Intelligence v3, Conversations v2, Memory v1 and Knowledge v2
ControlPlane APIs (and Knowledge v2's knowledge sources).

It stands alone: it imports only the wire models (:mod:`pulumi_twilio_intelligence.models`) and the
error helpers (:mod:`pulumi_twilio_intelligence.errors`) of this package.

* as a server: ``twilio-intelligence-emulator --port 8080 --state emulator.sqlite``
  (:class:`EmulatorProcess` runs one for scripts and tests);
* as an ASGI app: :func:`build_app`; as an ``httpx`` transport: :class:`EmulatorTransport`;
* in process, with the package's clients routed to it: ``with mock_twilio() as twilio: ...`` and the
  ``twilio_emulator`` pytest fixture, in :mod:`pulumi_twilio_intelligence.testing`.

Layout (moto's): ``core.py`` (:class:`Emulator`: store, ids, clock, accounts, faults, counts),
``backend.py`` (one backend per account and API), ``state.py`` (SQLite store, typed tables),
``app.py`` (authentication, faults, counting, routing, error bodies) and a folder per API:
``models.py`` (the backend), ``records.py`` (its typed records), ``responses.py`` (handlers),
``urls.py`` (routes), ``exceptions.py`` (the API's error body).

``control_plane.py`` holds what Memory v1 and Knowledge v2 share (their Operations, 202 answers,
Idempotency-Keys, ETag/If-Match and ``orderBy`` lists).

Adding an API (as Memory v1 at ``https://memory.twilio.com/v1/...`` was, in ``memory/``):

1. wire models in ``models/`` (request and response bodies, with the document's constraints, and
   ``ServerDefault`` metadata for fields Twilio fills in);
2. ``emulator/memory/models.py``: ``class MemoryBackend(AccountBackend)``, one per account. It
   keeps everything in the store: ``self.stores = self.table("memory_store", dict)`` for bodies
   served as they are, a :class:`~.state.Record` subclass in ``records.py`` for anything else.
   Methods take the request (``body``, ``query``, ids), validate it with
   ``self.emulator.validate(Model, body)``, fill defaults with
   ``with_server_defaults(Model, fields, wire=True, stored_only=True)``, mint ids with
   ``self.emulator.ids.mint("mem_store")`` and raise :func:`.errors.bad_request`,
   :func:`.errors.not_found`, :func:`.errors.conflict` or :class:`.errors.EmulatorError`. Lists use
   :func:`.pagination.paginate`. Override ``custom_resources()`` to count user-created objects;
   another API's backend of the same account is ``self.emulator.<api>[self.account]``;
3. ``responses.py``: ``def list_stores(call: Call) -> Reply`` with
   ``call.emulator.memory[call.account]``; ``urls.py``: a :class:`~.routing.Service` (prefix,
   routes, ``render_error`` from ``exceptions.py``, the fault statuses the API documents);
4. register it: ``self.memory = self.register(MemoryBackend)`` in :class:`Emulator` and its
   ``SERVICE`` in ``app.SERVICES``;
5. tests in ``tests/emulator/`` that check the answers against the OpenAPI document
   (``../shared/openapi``) and run the official ``twilio`` SDK against it.
"""

from .accounts import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN
from .app import build_app
from .backend import AccountBackend, BackendDict
from .clock import ManualClock
from .core import Emulator
from .faults import Faults
from .process import EmulatorProcess
from .state import Record, Table
from .transport import EmulatorTransport

__all__ = [
    "DEMO_ACCOUNT_SID",
    "DEMO_AUTH_TOKEN",
    "AccountBackend",
    "BackendDict",
    "Emulator",
    "EmulatorProcess",
    "EmulatorTransport",
    "Faults",
    "ManualClock",
    "Record",
    "Table",
    "build_app",
]
