"""The ASGI application (Starlette): authentication, faults, counting, routing, error bodies."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.routing import Route as StarletteRoute

from .admin import admin_routes
from .conversations.urls import SERVICE as CONVERSATIONS
from .core import Emulator
from .errors import EmulatorError
from .intelligence.urls import SERVICE as INTELLIGENCE
from .routing import Call, Reply, Route, Service

SERVICES = (INTELLIGENCE, CONVERSATIONS)
#: Methods every API route answers (405 with ``Allow`` for those it does not have, counted like the rest).
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
log = logging.getLogger("pulumi_twilio_intelligence.emulator")


def _service_for(path: str) -> Service:
    for service in SERVICES:
        if path.startswith(service.prefix):
            return service
    return INTELLIGENCE if not path.startswith("/v2") else CONVERSATIONS


def _json(reply: Reply) -> Response:
    if reply.body is None:
        return Response(status_code=reply.status, headers=reply.headers)
    return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)


def _error_response(service: Service, error: EmulatorError) -> Response:
    headers = dict(error.headers)
    return JSONResponse(service.render_error(error), status_code=error.status, headers=headers)


def _endpoint(emulator: Emulator, service: Service, routes: dict[str, Route]) -> Any:
    """One Starlette endpoint per route template, dispatching on the method (HEAD is served as GET)."""

    allowed = ", ".join(sorted(routes))
    template = next(iter(routes.values())).template

    async def endpoint(request: Request) -> Response:
        emulator.count(request.method, template)
        route = routes.get("GET" if request.method == "HEAD" else request.method)
        if route is None:
            message = f"Method {request.method} is not allowed on {request.url.path}"
            return _error_response(service, EmulatorError(405, message, headers={"Allow": allowed}))
        if emulator.faults.latency_ms:
            await asyncio.sleep(emulator.faults.latency_ms / 1000)
        try:
            account = emulator.accounts.authenticate(request.headers.get("authorization"))
            injected = emulator.faults.injected_error(service.fault_statuses)
            if injected is not None:
                headers = {"Retry-After": "1", **service.throttle_headers} if injected == 429 else {}
                raise EmulatorError(injected, f"Injected fault: HTTP {injected}", headers=headers)
            call = Call(
                emulator=emulator,
                account=account,
                params=request.path_params,
                query=request.query_params,
                headers=request.headers,
                body=await request.body(),
                base_url=str(request.base_url).rstrip("/"),
            )
            with emulator.store.transaction():
                reply = route.handler(call)
            await emulator.hooks.after_commit(f"{route.method} {template}", reply.status, reply.body)
        except EmulatorError as error:
            return _error_response(service, error)
        except Exception:
            log.exception("emulator error serving %s %s", route.method, request.url.path)
            return _error_response(service, EmulatorError(500, "Internal error in the emulator"))
        return _json(reply)

    return endpoint


def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    service = _service_for(request.url.path)
    if exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}"
    elif exc.status_code == 404:
        message = f"No resource at {request.url.path}"
    else:
        message = str(exc.detail)
    return _error_response(service, EmulatorError(exc.status_code, message, headers=dict(exc.headers or {})))


def build_app(emulator: Emulator) -> Starlette:
    """The ASGI app serving both APIs and the admin API (``/__emulator/``) for ``emulator``."""
    routes: list[BaseRoute] = []
    for service in SERVICES:
        by_template: dict[str, dict[str, Route]] = {}
        for route in service.routes:
            by_template.setdefault(route.template, {})[route.method] = route
        for template, methods in by_template.items():
            endpoint = _endpoint(emulator, service, methods)
            routes.append(StarletteRoute(template, endpoint, methods=list(HTTP_METHODS)))
    api_routes = frozenset(f"{r.method} {r.template}" for service in SERVICES for r in service.routes)
    routes.extend(admin_routes(emulator, api_routes))
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_exception})
    app.router.redirect_slashes = False  # Twilio paths are exact: ".../Operators/" is a 404, not a redirect
    app.state.emulator = emulator
    return app
