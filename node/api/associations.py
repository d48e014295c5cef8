"""API routes: associations (under /api/v1)."""

from __future__ import annotations

from quart import Blueprint

blueprint = Blueprint("associations", __name__, url_prefix="/api/v1")
