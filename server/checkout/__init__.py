"""The checkout transactions feed: the mall's own count of payments, per counter per minute."""
