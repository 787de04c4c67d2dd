"""Threats of a release: generated per element and flow (STRIDE) from our library, editable."""
