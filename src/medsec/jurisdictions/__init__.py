"""Jurisdiction profiles: what each regulator (FDA, Japan, EU, Canada) asks, as data.

``schemas`` (the profile file model), ``profiles`` (loading and validating the packaged files in
``medsec/data/jurisdictions``), ``rules`` (pure: a product's markets → the deadlines and words
that apply, the strictest deadline when several markets set one), ``cli`` (`medsec
jurisdictions`).
"""
