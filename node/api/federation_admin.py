"""Admin API of federation (node admins only): deliveries, domain blocks, allowlist policy."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints
from quart import Blueprint, Response, request
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.deps import require_node_admin
from node.api.types import BEARER, MULTI_LINE, ONE_LINE, Strict
from node.fed import blocklists as fed_blocklists
from node.http_state import current_node
from node.services import blocklists
from node.services import deliveries as service
from node.services import federation_policy as policy

blueprint = Blueprint("federation_admin", __name__, url_prefix="/api/v1/admin/federation")
Domain = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), ONE_LINE
]


class DeliveryQuery(Strict):
    status: Annotated[str, StringConstraints(max_length=20), ONE_LINE] | None = Field(
        None, description="queued, sending, delivered, abandoned, or failed (= abandoned)"
    )
    limit: int = Field(50, ge=1, le=500)


class DeliveryOut(BaseModel):
    id: int
    activity_id: str
    activity_type: str
    inbox_url: str
    host: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


class DeliveriesOut(BaseModel):
    items: list[DeliveryOut]
    counts: dict[str, int]


class BlockIn(Strict):
    domain: Domain
    reason: Annotated[str, StringConstraints(max_length=500), MULTI_LINE] = ""
    emergency: bool = Field(
        False,
        description="Abuse: block at once; the street committee confirms or lifts it later "
        "(a reason is required)",
    )


class BlockOut(BaseModel):
    domain: str
    reason: str
    created_at: datetime


class BlocksOut(BaseModel):
    items: list[BlockOut]


class PolicyIn(Strict):
    allowlist_mode: bool | None = None
    allowed_domains: list[Domain] | None = Field(None, max_length=1000)


class PolicyOut(BaseModel):
    allowlist_mode: bool
    allowed_domains: list[str]


@blueprint.get("/deliveries")
@validate_querystring(DeliveryQuery)
@validate_response(DeliveriesOut)
@security_scheme(BEARER)
async def deliveries(query_args: DeliveryQuery) -> DeliveriesOut:
    """Deliveries by status (newest first) and the count per status."""
    await require_node_admin()
    rows = await service.list_deliveries(query_args.status, query_args.limit)
    return DeliveriesOut(
        items=[DeliveryOut(**row) for row in rows], counts=await service.delivery_counts()
    )


@blueprint.post("/deliveries/<int:delivery_id>/retry")
@validate_response(DeliveryOut)
@security_scheme(BEARER)
async def retry(delivery_id: int) -> DeliveryOut:
    """Queue a delivery again now (its attempts start over)."""
    await require_node_admin()
    return DeliveryOut(**await service.retry_delivery(delivery_id))


@blueprint.get("/blocks")
@validate_response(BlocksOut)
@security_scheme(BEARER)
async def blocks() -> BlocksOut:
    await require_node_admin()
    rows = await policy.list_blocks()
    return BlocksOut(
        items=[BlockOut(domain=b.domain, reason=b.reason, created_at=b.created_at) for b in rows]
    )


@blueprint.post("/blocks")
@validate_request(BlockIn)
@validate_response(BlockOut, 201)
@security_scheme(BEARER)
async def block(data: BlockIn) -> tuple[BlockOut, int]:
    """Block a domain: its requests are refused and what the node stored from it is purged.
    202 with the proposal when the street committee decides on blocks (except emergencies)."""
    admin = await require_node_admin()
    row = await policy.block_domain(
        data.domain, data.reason, node=current_node(), by=admin, emergency=data.emergency
    )
    return BlockOut(domain=row.domain, reason=row.reason, created_at=row.created_at), 201


@blueprint.delete("/blocks/<domain>")
@security_scheme(BEARER)
async def unblock(domain: str) -> tuple[str, int]:
    admin = await require_node_admin()
    await policy.unblock_domain(domain, node=current_node(), by=admin)
    return "", 204


@blueprint.get("/policy")
@validate_response(PolicyOut)
@security_scheme(BEARER)
async def get_policy() -> PolicyOut:
    await require_node_admin()
    mode, domains = await policy.current_policy()
    return PolicyOut(allowlist_mode=mode, allowed_domains=domains)


@blueprint.put("/policy")
@validate_request(PolicyIn)
@validate_response(PolicyOut)
@security_scheme(BEARER)
async def put_policy(data: PolicyIn) -> PolicyOut:
    """Switch allowlist mode and/or replace the allowed domains (omitted fields are kept).
    202 with the proposal when the street committee decides on it."""
    admin = await require_node_admin()
    mode, domains = await policy.set_policy(
        allowlist_mode=data.allowlist_mode,
        allowed_domains=data.allowed_domains,
        node=current_node(),
        by=admin,
    )
    return PolicyOut(allowlist_mode=mode, allowed_domains=domains)


# --- shared blocklists (Mastodon's CSV) --------------------------------------------------------

CSV_TYPE = "text/csv; charset=utf-8"


class ImportQuery(Strict):
    only: Annotated[str, StringConstraints(max_length=20_000), ONE_LINE] | None = Field(
        None, description="Comma-separated domains: apply only these entries of the file"
    )


class ProposedOut(BaseModel):
    domain: str
    proposal_number: int


class SkippedOut(BaseModel):
    domain: str
    why: str


class ImportOut(BaseModel):
    blocked: list[str] = Field(description="Blocked now (no committee sits)")
    proposed: list[ProposedOut] = Field(description="Each waits for the street committee")
    skipped: list[SkippedOut]


@blueprint.get("/blocks.csv")
@security_scheme(BEARER)
async def export_blocks() -> Response:
    """The node's domain blocks in Mastodon's CSV format (Mastodon's admin import reads it)."""
    await require_node_admin()
    return Response(await blocklists.published_csv(), content_type=CSV_TYPE)


@blueprint.post("/blocks/import")
@validate_querystring(ImportQuery)
@validate_response(ImportOut)
@security_scheme(BEARER)
async def import_blocks(query_args: ImportQuery) -> ImportOut:
    """Apply a Mastodon domain-blocks CSV (the request body, ``text/csv``), such as a partner's
    published blocklist: its ``suspend`` rows become blocks, each one a proposal where the
    street committee decides. 413 past 256 KiB or 5000 rows; 422 for a file that is not such a
    CSV (nothing is applied)."""
    admin = await require_node_admin()
    body = await request.get_data(cache=False, as_text=False)
    entries = blocklists.parse_csv(body if isinstance(body, bytes) else body.encode())
    only = None
    if query_args.only:
        only = {policy.normalize_domain(d) for d in query_args.only.split(",") if d.strip()}
    result = await blocklists.apply(current_node(), entries, by=admin, only=only)
    return ImportOut(
        blocked=result.blocked,
        proposed=[ProposedOut(domain=d, proposal_number=n) for d, n in result.proposed],
        skipped=[SkippedOut(domain=d, why=w) for d, w in result.skipped],
    )


class ReviewedOut(BaseModel):
    domain: str
    severity: str = Field(description="suspend, silence or noop (Mastodon's words)")
    comment: str = Field(description="The partner's public comment")
    status: str = Field(description="new, already_blocked or not_a_block")


class PartnerListOut(BaseModel):
    partner: str
    items: list[ReviewedOut]


class ApplyIn(Strict):
    domains: list[Annotated[str, StringConstraints(max_length=255), ONE_LINE]] = Field(
        min_length=1, max_length=blocklists.MAX_ROWS, description="The entries to apply"
    )


def _reviewed(domain: str, rows: list[blocklists.Reviewed]) -> PartnerListOut:
    items = [
        ReviewedOut(
            domain=r.entry.domain,
            severity=r.entry.severity,
            comment=r.entry.comment,
            status=r.status,
        )
        for r in rows
    ]
    return PartnerListOut(partner=domain, items=items)


@blueprint.get("/partners/<domain>/blocklist")
@validate_response(PartnerListOut)
@security_scheme(BEARER)
async def partner_blocklist(domain: str) -> PartnerListOut:
    """Fetch an accepted partner's published blocklist and set it beside ours: each entry is
    ``new``, ``already_blocked`` or ``not_a_block``. 404 for a node that is no accepted
    partner; 422 (field ``list``) when its list cannot be read."""
    await require_node_admin()
    entries = await fed_blocklists.fetch_partner_list(current_node(), domain)
    partner = await blocklists.accepted_partner(domain)
    return _reviewed(partner, await blocklists.review(entries))


@blueprint.post("/partners/<domain>/blocklist/apply")
@validate_request(ApplyIn)
@validate_response(ImportOut)
@security_scheme(BEARER)
async def apply_partner_blocklist(domain: str, data: ApplyIn) -> ImportOut:
    """Fetch the partner's list again and apply the chosen entries, as manual blocks: where
    the street committee decides on blocks, each one opens a proposal (``proposed``). A chosen
    domain that is no longer on the list comes back in ``skipped``."""
    admin = await require_node_admin()
    chosen = {policy.normalize_domain(d) for d in data.domains}
    entries = await fed_blocklists.fetch_partner_list(current_node(), domain)
    result = await blocklists.apply(current_node(), entries, by=admin, only=chosen)
    listed = {e.domain for e in entries}
    result.skipped.extend((d, "not on the partner's list") for d in sorted(chosen - listed))
    return ImportOut(
        blocked=result.blocked,
        proposed=[ProposedOut(domain=d, proposal_number=n) for d, n in result.proposed],
        skipped=[SkippedOut(domain=d, why=w) for d, w in result.skipped],
    )


published = Blueprint("published_blocklist", __name__, url_prefix="/api/v1/federation")


@published.get("/blocklist.csv")
async def published_blocklist() -> Response:
    """Public: the domains this node blocks, in Mastodon's CSV format, for partners' admins to
    review and apply (``POST /api/v1/admin/federation/blocks/import`` on an Entraide node)."""
    return Response(
        await blocklists.published_csv(),
        content_type=CSV_TYPE,
        headers={"Cache-Control": "public, max-age=300"},
    )
