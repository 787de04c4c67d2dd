"""The product portfolio as people work with it: device models and releases created, edited,
renamed and deleted, and each product's page with its releases, SBOMs, findings, lifecycle and
overdue CVD cases (CLI, API, web pages) over `medsec.products` and the domains it shows."""
