"""The admin API under ``/__emulator/`` (no auth, never counted, never faulted).

=========================================================  ==============================================
``POST /__emulator/reset``                                 forget all state and request counts
``GET /__emulator/requests``                               ``{"METHOD /template": count}``
``DELETE /__emulator/requests``                            reset the request counts
``GET /__emulator/faults``                                 the fault settings
``POST /__emulator/faults``                                change them: ``{operationDelay, latencyMs,
                                                           errorRate, failOperations, stuckOperations,
                                                           cancelOperations, omitConfigurationIds,
                                                           documentedPatch, liveOperationStatuses,
                                                           documentedLimits}``
``POST /__emulator/accounts``                              ``{accountSid, authToken}`` or
                                                           ``{apiKey, apiSecret, accountSid}``
``GET /__emulator/resources[?account=AC...]``              counts of user-created objects per kind
``POST /__emulator/operators/{id}/versions/{version}``     ``{account, status}``: set a version's status
``POST /__emulator/hooks``                                 ``{route: "POST /v3/ControlPlane/Operators",
                                                           holdSeconds}``: hold the answer to the next
                                                           successful request on that route once it is
                                                           committed (crash tests; :mod:`.hooks`)
``GET /__emulator/hooks``                                  ``{armed, committed: [{route, id, operation,
                                                           statusUrl, at}]}``: ``id`` the object the
                                                           answer names, ``operation`` and
                                                           ``statusUrl`` the Operation of a 202
                                                           (``null`` otherwise): a Memory or Knowledge
                                                           create's id is its Operation's ``result.id``
``DELETE /__emulator/hooks``                               disarm, forget, release held answers
=========================================================  ==============================================

Every body must be a JSON object (strict JSON, valid Unicode); anything else is a 400 with
``{"message"}`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import EmulatorError
from .hooks import MAX_HOLD
from .routing import strict_json

if TYPE_CHECKING:
    from .core import Emulator

PREFIX = "/__emulator"
_FAULT_FIELDS = {
    "operationDelay": "operation_delay",
    "latencyMs": "latency_ms",
    "errorRate": "error_rate",
    "failOperations": "fail_operations",
    "stuckOperations": "stuck_operations",
    "cancelOperations": "cancel_operations",
    "omitConfigurationIds": "omit_configuration_ids",
    "documentedPatch": "documented_patch",
    "liveOperationStatuses": "live_operation_statuses",
    "documentedLimits": "documented_limits",
}
#: The fault fields that are on/off settings (JSON booleans); the others are numbers.
_SWITCH_FIELDS = frozenset({"documentedPatch", "liveOperationStatuses", "documentedLimits"})


async def _body(request: Request) -> dict[str, Any]:
    """The request's body: a JSON object (strict JSON), else ``ValueError``."""
    body = strict_json(await request.body())
    if not isinstance(body, dict):
        raise ValueError(f"the body must be a JSON object, not {type(body).__name__}")
    return body


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    return value


def _guard(fn: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    async def wrapped(request: Request) -> Response:
        try:
            return await fn(request)
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"message": f"bad admin request: {exc}"}, status_code=400)
        except EmulatorError as exc:
            return JSONResponse({"message": exc.message}, status_code=exc.status)

    return wrapped


def admin_routes(emulator: Emulator, api_routes: frozenset[str] = frozenset()) -> list[Route]:
    """Starlette routes of the admin API for ``emulator``; ``api_routes`` (``"POST /v3/..."``) are
    those a commit hook may name."""

    async def reset(request: Request) -> Response:
        emulator.reset()
        return JSONResponse({"reset": True})

    async def requests(request: Request) -> Response:
        if request.method == "DELETE":
            emulator.reset_counts()
        return JSONResponse(emulator.request_counts())

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            body = await _body(request)
            unknown = sorted(set(body) - set(_FAULT_FIELDS))
            if unknown:
                raise ValueError(f"unknown fault fields {', '.join(unknown)} (known: {', '.join(_FAULT_FIELDS)})")
            wrong = sorted(
                k
                for k, v in body.items()
                if k not in _SWITCH_FIELDS and (isinstance(v, bool) or not isinstance(v, (int, float)))
            )
            if wrong:
                raise ValueError(f"{', '.join(wrong)} must be numbers")
            not_switched = sorted(k for k, v in body.items() if k in _SWITCH_FIELDS and not isinstance(v, bool))
            if not_switched:
                raise ValueError(f"{', '.join(not_switched)} must be true or false")
            emulator.faults.update(**{_FAULT_FIELDS[k]: v for k, v in body.items()})
        return JSONResponse(emulator.faults.as_dict())

    async def accounts(request: Request) -> Response:
        body = await _body(request)
        if "apiKey" in body:
            emulator.accounts.add_api_key(_text(body, "apiKey"), _text(body, "apiSecret"), _text(body, "accountSid"))
        else:
            emulator.accounts.add_account(_text(body, "accountSid"), _text(body, "authToken"))
        return JSONResponse({"accounts": sorted({c.account for c in emulator.accounts.all()})})

    async def resources(request: Request) -> Response:
        return JSONResponse(emulator.custom_resources(request.query_params.get("account")))

    async def version_status(request: Request) -> Response:
        body = await _body(request)
        status = body.get("status")
        if status not in ("PREVIEW", "ACTIVE", "DEPRECATED", "RETIRED"):
            raise ValueError(f"unknown status {status!r}")
        doc = emulator.intelligence[_text(body, "account")].set_version_status(
            request.path_params["id"], int(request.path_params["version"]), status
        )
        return JSONResponse(doc)

    async def hooks(request: Request) -> Response:
        if request.method == "POST":
            body = await _body(request)
            route, hold = _text(body, "route"), body.get("holdSeconds", 60)
            if route not in api_routes:
                raise ValueError(f"no API route {route!r} (known: {', '.join(sorted(api_routes))})")
            if isinstance(hold, bool) or not isinstance(hold, (int, float)) or not 0 < hold <= MAX_HOLD:
                raise ValueError(f"holdSeconds must be a number of seconds above 0 and at most {MAX_HOLD:g}")
            emulator.hooks.arm(route, float(hold))
        elif request.method == "DELETE":
            emulator.hooks.clear()
        return JSONResponse(emulator.hooks.as_dict())

    return [
        Route(f"{PREFIX}/reset", _guard(reset), methods=["POST"]),
        Route(f"{PREFIX}/hooks", _guard(hooks), methods=["GET", "POST", "DELETE"]),
        Route(f"{PREFIX}/requests", _guard(requests), methods=["GET", "DELETE"]),
        Route(f"{PREFIX}/faults", _guard(faults), methods=["GET", "POST"]),
        Route(f"{PREFIX}/accounts", _guard(accounts), methods=["POST"]),
        Route(f"{PREFIX}/resources", _guard(resources), methods=["GET"]),
        Route(f"{PREFIX}/operators/{{id}}/versions/{{version}}", _guard(version_status), methods=["POST"]),
    ]
