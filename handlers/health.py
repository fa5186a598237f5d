"""GET /healthz: the database answers and the catalogs are loaded."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from bot.core import Core

router = APIRouter()


@router.get("/healthz")
def healthz(request: Request) -> dict[str, str]:
    """Returns ok when the database answers a query."""
    core: Core = request.app.state.core
    with core.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}
