"""Bodies of the transactions feed; the OpenAPI document is generated from them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt

MAX_RECORDS = 1000
MAX_TRANSACTIONS_PER_MINUTE = 1000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TransactionRecord(Strict):
    """Payments completed at one counter in one minute."""

    counter: str = Field(min_length=1, max_length=32, description="A counter id of the mall config (e.g. C01).")
    minute: StrictInt = Field(ge=0, multiple_of=60, description="Start of the minute, Unix epoch seconds (a multiple of 60).")
    transactions: StrictInt = Field(ge=0, le=MAX_TRANSACTIONS_PER_MINUTE)
    busy_seconds: float | None = Field(default=None, ge=0, le=60, allow_inf_nan=False,
                                       description="Seconds of the minute the counter spent serving (optional).")


class TransactionsBatch(Strict):
    source: str = Field(default="pos", pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The sending POS system.")
    records: list[TransactionRecord] = Field(min_length=1, max_length=MAX_RECORDS)


class TransactionsResult(Strict):
    applied: int = Field(description="Records new to the server.")
    duplicates: int = Field(description="Records identical to what was stored (a resend).")
    replaced: int = Field(description="Records that corrected an earlier value for the same counter and minute.")


def openapi_paths(ref: str, errors: dict, ok: dict) -> dict:
    """The feed's entry in the OpenAPI document (ref: schema reference template)."""
    return {
        "/api/v1/checkout/transactions": {"post": {
            "summary": "Checkout transactions per counter per minute (idempotent by counter and minute)",
            "description": "Re-sending a record is a duplicate; a different value for the same counter and minute "
                           "replaces it. Minutes older than 14 days or in the future are refused.",
            "security": [{"apiToken": []}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": ref.format(model="TransactionsBatch")}}}},
            "responses": {**ok, **errors},
        }},
    }
