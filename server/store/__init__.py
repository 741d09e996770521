"""Everything that touches Redis: key names, atomic scripts, reads for pages."""

from server.store.keys import Keys
from server.store.reads import Reader

__all__ = ["Keys", "Reader"]
