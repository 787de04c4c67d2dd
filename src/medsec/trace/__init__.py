"""Traceability: threat -> risk -> control -> verification -> result, with the gaps."""
