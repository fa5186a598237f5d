"""Wires the hand-off into the app: caseworker API, callbacks, demo inbox, dispatcher, sweep."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.casework.desk import EscalationHook, build_desk
from bot.casework.handoff import Handoff
from bot.casework.verbs import BadAction, HeldByOther
from bot.core import Core
from escalation.status import InvalidTransition
from handlers.api import cases
from handlers.demo import inbox as inbox_demo
from handlers.handoff import callbacks


async def _conflict(_: Request, error: Exception) -> JSONResponse:
    current = getattr(error, "current", None)
    body = {"detail": str(error), "status": str(current) if current else None}
    return JSONResponse(body, status_code=409)


async def _unprocessable(_: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=422)


def register(core: Core, app: FastAPI) -> Handoff:
    """Adds the routes and, when this process dispatches, the background tasks."""
    hooks = [h for h in core.runner.after_turn if isinstance(h, EscalationHook)]
    desk = hooks[0].desk if hooks else build_desk(core.settings)
    handoff = Handoff(core.engine, core.settings, core.catalogs, desk, core.dispatcher.wake)
    app.state.handoff = handoff
    app.include_router(cases.router)
    app.include_router(callbacks.router)
    app.add_exception_handler(HeldByOther, _conflict)
    app.add_exception_handler(InvalidTransition, _conflict)
    app.add_exception_handler(BadAction, _unprocessable)
    if core.settings.demo.enabled:
        inbox_demo.register(app)
    if core.settings.escalation.dispatch:
        core.background.extend((handoff.dispatcher.run, handoff.sweeper.run))
        core.on_stop.append(handoff.dispatcher.aclose)
    return handoff
