"""Imported CSAF advisories of others (vendors, suppliers): validate, store, map, read."""
