"""Coordinated vulnerability disclosure (seed 6.3; ISO/IEC 29147 and 30111).

Pure parts:

- ``rules``: case states and allowed transitions (30111 phases).
- ``deadlines``: SLA deadlines with business-day arithmetic and documented defaults.
- ``intake``: validation of an unauthenticated public report (with ``sanitize``, ``pgp``).
- ``spam``: honeypot, fill-time and content-score helpers; ``tokens``: receipt ids and
  status tokens (only hashes stored).
- ``contacts``: the seed's Annex B CERTs and regulators by country.
- ``policy``: the install-wide deadline policy file (``MEDSEC_CVD_POLICY``), validated.

Stored parts (layers, top to bottom): ``cli`` (+ ``cli_output``) → ``links``, ``coordination``
→ ``service`` (cases, transitions, log, deadlines), ``intake_service`` (the public side:
submit, finder status and reply) → ``access`` (who sees what) → ``repository`` (queries).
"""
