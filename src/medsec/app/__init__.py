"""The composition roots: the `medsec` command and the web app that mount every domain."""
