"""Accounts, roles and per-product access."""
