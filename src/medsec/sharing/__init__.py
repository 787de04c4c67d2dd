"""Information sharing with ISAOs (seed 4.4, 6.2): STIX 2.1 export with TLP 2.0 markings and
documented redaction, STIX 2.1 import, and sharing agreements."""
