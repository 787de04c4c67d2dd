"""Verification evidence per release: SARIF, JUnit XML and penetration-test results."""
