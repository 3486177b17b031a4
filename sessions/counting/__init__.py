"""Counting views (DESIGN.md, "Counting views"): `visitors` recognises a person's view,
`counter` writes it, `popular` reads the most viewed sessions back.

It uses `sessions.models` and the shared caches; the pages use it.
"""
