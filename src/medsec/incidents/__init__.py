"""Incident response (ISO/IEC 27035, seed 6.5 and Annex A): plans, teams, exercises, incidents,
evidence with chain of custody, notifications with deadlines and lessons learned."""
