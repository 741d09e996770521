"""Camera ingest API (/api/v1): token auth, count batches, heartbeats, config."""
