"""Checkout staffing: demand forecast, Erlang C sizing, suggestions, live service."""
