"""Account administration for admins: accounts, roles, product access and API tokens (CLI, API,
web pages) over `medsec.accounts`, above the products it grants access to."""
