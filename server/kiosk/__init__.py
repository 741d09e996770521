"""Zone kiosks: content files, the trade-in subsidy calculator, heartbeats, engagement analytics."""
