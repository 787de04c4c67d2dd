"""Coordinated vulnerability disclosure (seed 6.3; ISO/IEC 29147 and 30111), pure parts.

- ``rules``: case states and allowed transitions (30111 phases).
- ``deadlines``: SLA deadlines with business-day arithmetic and documented defaults.
- ``intake``: validation of an unauthenticated public report (with ``sanitize``, ``pgp``).
- ``spam``: honeypot, fill-time and content-score helpers; ``tokens``: receipt ids and
  status tokens (only hashes stored).
- ``contacts``: the seed's Annex B CERTs and regulators by country.
"""
