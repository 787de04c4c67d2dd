"""medsec: medical device cybersecurity across the total product life cycle."""

__version__ = "0.1.0"
