"""The ASGI application (Starlette): authentication, faults, counting, routing, error bodies."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.routing import Route as StarletteRoute

from .admin import admin_routes
from .api.urls import SERVICE as API
from .conversations.urls import SERVICE as CONVERSATIONS
from .core import Emulator
from .errors import EmulatorError
from .intelligence.urls import SERVICE as INTELLIGENCE
from .knowledge.urls import SERVICE as KNOWLEDGE
from .knowledge.urls import UPLOAD_ROUTES
from .memory.urls import SERVICE as MEMORY
from .routing import Call, Reply, Route, Service

SERVICES = (INTELLIGENCE, CONVERSATIONS, MEMORY, KNOWLEDGE, API)
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


Served = tuple[Service, Route]


def _choose(candidates: list[Served], params: Mapping[str, str]) -> Served:
    """The route that claims these path parameters, else the one that claims nothing in particular."""
    return next(
        (c for c in candidates if c[1].claims is not None and c[1].claims(params)),
        next((c for c in candidates if c[1].claims is None), candidates[0]),
    )


def _endpoint(emulator: Emulator, routes: dict[str, list[Served]]) -> Any:
    """One Starlette endpoint per route template, dispatching on the method (HEAD is served as GET)
    and, where APIs share a template, on the route that claims the request."""

    allowed = ", ".join(sorted(routes))
    template = next(iter(routes.values()))[0][1].template

    async def endpoint(request: Request) -> Response:
        emulator.count(request.method, template)
        candidates = routes.get("GET" if request.method == "HEAD" else request.method)
        if candidates is None:
            message = f"Method {request.method} is not allowed on {request.url.path}"
            service = _service_for(request.url.path)
            return _error_response(service, EmulatorError(405, message, headers={"Allow": allowed}))
        service, route = _choose(candidates, request.path_params)
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
            await emulator.hooks.after_commit(f"{route.method} {template}", reply.status, reply.body, reply.headers)
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
    """The ASGI app for ``emulator``: the four APIs, the upload URLs of knowledge files and the
    admin API (``/__emulator/``)."""
    routes: list[BaseRoute] = []
    by_template: dict[str, dict[str, list[Served]]] = {}
    for service in SERVICES:
        for route in service.routes:
            by_template.setdefault(route.template, {}).setdefault(route.method, []).append((service, route))
    for template, methods in by_template.items():
        routes.append(StarletteRoute(template, _endpoint(emulator, methods), methods=list(HTTP_METHODS)))
    api_routes = frozenset(f"{r.method} {r.template}" for service in SERVICES for r in service.routes)
    routes.extend(admin_routes(emulator, api_routes))
    routes.extend(UPLOAD_ROUTES)
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_exception})
    app.router.redirect_slashes = False  # Twilio paths are exact: ".../Operators/" is a 404, not a redirect
    app.state.emulator = emulator
    return app
