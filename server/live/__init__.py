"""Live updates: Socket.IO rooms, who may join what, and coalesced publishing."""
