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
=========================================================  ==============================================
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import EmulatorError

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


def _guard(fn: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    async def wrapped(request: Request) -> Response:
        try:
            return await fn(request)
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"message": f"bad admin request: {exc}"}, status_code=400)
        except EmulatorError as exc:
            return JSONResponse({"message": exc.message}, status_code=exc.status)

    return wrapped


def admin_routes(emulator: Emulator) -> list[Route]:
    """Starlette routes of the admin API for ``emulator``."""

    async def reset(request: Request) -> Response:
        emulator.reset()
        return JSONResponse({"reset": True})

    async def requests(request: Request) -> Response:
        if request.method == "DELETE":
            emulator.reset_counts()
        return JSONResponse(emulator.request_counts())

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            body: dict[str, Any] = await request.json()
            emulator.faults.update(**{_FAULT_FIELDS[k]: v for k, v in body.items()})
        return JSONResponse(emulator.faults.as_dict())

    async def accounts(request: Request) -> Response:
        body: dict[str, Any] = await request.json()
        if "apiKey" in body:
            emulator.accounts.add_api_key(body["apiKey"], body["apiSecret"], body["accountSid"])
        else:
            emulator.accounts.add_account(body["accountSid"], body["authToken"])
        return JSONResponse({"accounts": sorted({c.account for c in emulator.accounts.all()})})

    async def resources(request: Request) -> Response:
        return JSONResponse(emulator.custom_resources(request.query_params.get("account")))

    async def version_status(request: Request) -> Response:
        body: dict[str, Any] = await request.json()
        status = body["status"]
        if status not in ("PREVIEW", "ACTIVE", "DEPRECATED", "RETIRED"):
            raise ValueError(f"unknown status {status!r}")
        doc = emulator.intelligence[body["account"]].set_version_status(
            request.path_params["id"], int(request.path_params["version"]), status
        )
        return JSONResponse(doc)

    return [
        Route(f"{PREFIX}/reset", _guard(reset), methods=["POST"]),
        Route(f"{PREFIX}/requests", _guard(requests), methods=["GET", "DELETE"]),
        Route(f"{PREFIX}/faults", _guard(faults), methods=["GET", "POST"]),
        Route(f"{PREFIX}/accounts", _guard(accounts), methods=["POST"]),
        Route(f"{PREFIX}/resources", _guard(resources), methods=["GET"]),
        Route(f"{PREFIX}/operators/{{id}}/versions/{{version}}", _guard(version_status), methods=["POST"]),
    ]
