"""MDS2 (ANSI/NEMA HN 1-2019) statements: written from medsec's records, read back from vendors;
and the Japanese JAHIS MDS/SDS items medsec can source."""
