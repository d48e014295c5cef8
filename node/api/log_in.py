"""API routes: logging in with a phone number and a password for a bearer token, refreshing it,
logging out (one token, or every token and web session).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints
from quart import Blueprint, request
from quart_schema import security_scheme, validate_request, validate_response

from node.api.credentials import AnyPassword, limit_phone, rate_limited
from node.api.deps import require_member
from node.api.my_account import current_token_id
from node.api.types import BEARER, ONE_LINE, Phone, Strict
from node.errors import NotFound, Unauthorized
from node.http_state import current_node
from node.services import members as service
from node.services import sessions as service_sessions
from node.services.login_throttle import device_token
from node.services.tokens import refresh_token, revoke_token

blueprint = Blueprint("log_in", __name__, url_prefix="/api/v1")


class LogInIn(Strict):
    phone: Phone
    password: AnyPassword
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), ONE_LINE] | None
    ) = Field(None, description="A label for the token, such as the device's name")
    device: Annotated[str, StringConstraints(max_length=200), ONE_LINE] | None = Field(
        None,
        description="The device token of an earlier log-in from this device: failed log-ins "
        "by others do not lock it out",
    )


class TokenPairOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    token_id: int
    expires_at: datetime | None = Field(
        None, description="Renew it before then with POST /api/v1/auth/refresh"
    )
    device: str = Field(description="Keep it and send it with the next log-ins from this device")


class RefreshedOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    token_id: int
    expires_at: datetime | None


@blueprint.post("/auth/token")
@rate_limited("login")
@validate_request(LogInIn)
@validate_response(TokenPairOut)
async def log_in(data: LogInIn) -> TokenPairOut:
    """Exchange phone and password for a bearer token; 401 with one message for any mistake.

    After 5 failures in 15 minutes (10 an hour, 20 a day) with a number, 429 with Retry-After,
    except for a ``device`` token from an earlier log-in to the account."""
    await limit_phone("login", data.phone)
    node = current_node()
    row, secret = await service.log_in(
        data.phone, data.password, data.name or "api", node=node, device=data.device
    )
    device = device_token(row.member_id, node.secret)  # type: ignore[attr-defined]
    return TokenPairOut(
        access_token=secret, token_id=row.id, expires_at=row.expires_at, device=device
    )


@blueprint.post("/auth/refresh")
@security_scheme(BEARER)
@rate_limited("login")
@validate_response(RefreshedOut)
async def refresh() -> RefreshedOut:
    """A new token for the one this request carries, which stops working at once. An expired
    or revoked token cannot be refreshed (401): log in again."""
    await require_member()
    secret = request.headers.get("Authorization", "").partition(" ")[2].strip()
    days = current_node().settings.api_token_days
    renewed = await refresh_token(secret, lifetime=timedelta(days=days))
    if renewed is None:
        raise Unauthorized("The token is unknown, expired or revoked.")
    row, new_secret = renewed
    return RefreshedOut(access_token=new_secret, token_id=row.id, expires_at=row.expires_at)


@blueprint.post("/auth/logout")
@security_scheme(BEARER)
async def log_out() -> tuple[str, int]:
    """Revoke the token used for this request."""
    member = await require_member()
    token_id = await current_token_id()
    if token_id is not None:
        await revoke_token(member, token_id)
    return "", 204


@blueprint.post("/me/logout-everywhere")
@security_scheme(BEARER)
async def log_out_everywhere() -> tuple[str, int]:
    """End every web session and revoke every token of the caller, this one included."""
    await service_sessions.log_out_everywhere(await require_member())
    return "", 204


@blueprint.delete("/me/tokens/<int:token_id>")
@security_scheme(BEARER)
async def delete_token(token_id: int) -> tuple[str, int]:
    """Revoke one of the caller's tokens (404 when it is not theirs or already revoked)."""
    member = await require_member()
    if not await revoke_token(member, token_id):
        raise NotFound("No such live token.")
    return "", 204
