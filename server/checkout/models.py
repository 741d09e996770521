"""Bodies of the transactions feed and the feed's part of the OpenAPI document (generated from them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from server.api_doc.parts import (
    API,
    BOOL,
    INT,
    NUM,
    SESSION,
    STR,
    array,
    errors,
    json_body,
    model_schemas,
    nullable,
    obj,
    ok,
    operation,
    query,
    ref,
)

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


def openapi_schemas() -> dict:
    return model_schemas([TransactionsBatch, TransactionsResult])


def openapi_paths() -> dict:
    """The feed's entries in the OpenAPI document: the POS feed (API token) and forecast vs actual (login)."""
    bin_ = obj({"start": STR, "checkout_entries": INT, "forecast": nullable(NUM), "transactions": nullable(INT)})
    return {
        "/api/v1/checkout/transactions": {
            "post": operation(
                "Checkout transactions per counter per minute (idempotent by counter and minute)", API,
                {**ok(ref("TransactionsResult")), **errors(415, 422)}, body=json_body(ref("TransactionsBatch")),
                description="Re-sending a record is a duplicate; a different value for the same counter and minute "
                            "replaces it. Minutes older than 14 days or in the future are refused."),
            "get": operation(
                "Checkout arrivals the engine forecast against transactions, in 15-minute bins (manager or staff)",
                SESSION, {**ok(obj({"bin_minutes": INT, "bins": array(bin_), "feed": BOOL, "note": STR, "note_zh": STR})),
                          **errors(400)},
                [query("minutes", {"type": "integer", "minimum": 15, "maximum": 1440, "default": 180},
                       "How far back, in minutes")]),
        },
    }
