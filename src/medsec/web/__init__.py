"""The web UI: server-rendered pages on the same FastAPI app as the API."""
