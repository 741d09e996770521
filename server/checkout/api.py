"""`POST /api/v1/checkout/transactions` (API token) and `GET /api/v1/checkout/transactions` (forecast vs actual)."""

from __future__ import annotations

import time

from flask import Blueprint, jsonify, request

from server.auth import require_role
from server.checkout.models import TransactionsBatch, TransactionsResult
from server.errors import ApiError
from server.ingest.api import parse_body
from server.params import query_number
from server.services import Services
from server.store.keys import MINUTE_TTL_SECONDS

FUTURE_SLACK_SECONDS = 120  # a POS clock a little ahead is tolerated
OLDEST_SECONDS = MINUTE_TTL_SECONDS - 86400  # what is kept beside the counts (14 days)


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("checkout", __name__, url_prefix="/api/v1/checkout")
    counters = {c.id for c in svc.mall.checkout.counters}

    @bp.post("/transactions")
    def post_transactions():  # type: ignore[no-untyped-def]
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            raise ApiError(401, "unauthorized", "send 'Authorization: Bearer <API token>' (flask api-tokens add NAME)",
                           "Authorization")
        if not svc.api_tokens.owner_of(auth[7:].strip()):
            raise ApiError(401, "unauthorized", "the API token is not valid", "Authorization")
        batch: TransactionsBatch = parse_body(TransactionsBatch)
        now = time.time()
        for i, rec in enumerate(batch.records):
            if rec.counter not in counters:
                raise ApiError(422, "unknown_counter", f"no counter {rec.counter!r}; counters are "
                               f"{', '.join(sorted(counters))}", f"records[{i}].counter")
            if rec.minute > now + FUTURE_SLACK_SECONDS:
                raise ApiError(422, "invalid", "minute is in the future; check the POS clock", f"records[{i}].minute")
            if rec.minute < now - OLDEST_SECONDS:
                raise ApiError(422, "too_late", "minutes older than 14 days are not kept", f"records[{i}].minute")
        applied, dup, replaced = svc.staffing.transactions.apply(batch.records)
        return jsonify(TransactionsResult(applied=applied, duplicates=dup, replaced=replaced).model_dump())

    @bp.get("/transactions")
    @require_role("manager", "staff")
    def get_transactions():  # type: ignore[no-untyped-def]
        minutes = int(query_number("minutes", 180, 15, 24 * 60, integer=True))
        return jsonify(svc.staffing.forecast_vs_actual(minutes))

    return bp
