"""The OpenAPI document of every JSON route: each feature package declares its own paths (its `openapi.py`),
`parts` holds the shared building blocks and `document` assembles and serves them."""
