"""API routes: actions (under /api/v1)."""

from __future__ import annotations

from quart import Blueprint

blueprint = Blueprint("actions", __name__, url_prefix="/api/v1")
