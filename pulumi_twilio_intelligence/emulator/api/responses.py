"""2010 API handlers: parse the form-encoded request, call the backend, render the reply."""

from __future__ import annotations

from urllib.parse import parse_qsl

from ..errors import EmulatorError
from ..routing import Call, Reply
from .models import unsupported_media_type

FORM = "application/x-www-form-urlencoded"


def _form(call: Call) -> dict[str, str]:
    """The request's form fields (``application/x-www-form-urlencoded``, as Twilio's 2010 API takes
    them); 415 for another body type, 400 for a malformed one."""
    content_type = call.headers.get("content-type", "").split(";")[0].strip().lower()
    if not call.body.strip():
        return {}
    if content_type != FORM:
        raise unsupported_media_type(content_type)
    try:
        pairs = parse_qsl(call.body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        raise EmulatorError(400, "Invalid request body: malformed form encoding", field="body") from None
    return dict(pairs)


def create_account(call: Call) -> Reply:
    return Reply(201, call.emulator.api[call.account].create_account(_form(call)))


def list_accounts(call: Call) -> Reply:
    return Reply(200, call.emulator.api[call.account].list_accounts(call.query))


def fetch_account(call: Call) -> Reply:
    return Reply(200, call.emulator.api[call.account].fetch_account(call.params["sid"]))


def create_key(call: Call) -> Reply:
    return Reply(201, call.emulator.api[call.account].create_key(call.params["account_sid"], _form(call)))


def list_keys(call: Call) -> Reply:
    return Reply(200, call.emulator.api[call.account].list_keys(call.params["account_sid"], call.query))


def fetch_key(call: Call) -> Reply:
    return Reply(200, call.emulator.api[call.account].fetch_key(call.params["account_sid"], call.params["sid"]))


def delete_key(call: Call) -> Reply:
    call.emulator.api[call.account].delete_key(call.params["account_sid"], call.params["sid"])
    return Reply(204)
