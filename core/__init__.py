"""What the camera node and the server both need, defined once below both.

The mall model and its loader (`core.mall`), the wire contract between a camera node and the ingest API
(`core.wire`), config-error formatting (`core.validation`) and the footfall model shared by the simulator and
the staffing backtest (`core.footfall_model`). It imports only pydantic, PyYAML and the standard library, so a
camera box installs it without Flask.
"""
