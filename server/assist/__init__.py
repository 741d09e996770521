"""Assistance requests from kiosks: create (public, rate-limited per kiosk), acknowledge and resolve (staff)."""
