"""Risk assessment of medical device vulnerabilities (CVSS rubric, SSVC, rules)."""
