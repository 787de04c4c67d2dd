"""The JSON API (`/api/v1`), problem details for every error."""
