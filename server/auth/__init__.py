"""Manager and staff accounts, sessions, role checks and CSRF."""

from server.auth.guard import current_user, require_role

__all__ = ["current_user", "require_role"]
