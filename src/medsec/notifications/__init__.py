"""Notifications: e-mail and signed webhooks on findings, KEV hits, CVD deadlines, advisories."""
