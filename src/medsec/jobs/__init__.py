"""Background jobs: scheduled in-process (embedded) or run by `medsec worker` processes."""
