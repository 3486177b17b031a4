"""Catalogues to try the site with: the demo data a newcomer sees (`loading`) and the
synthetic catalogue of any size the benchmarks measure (`synthetic`).

It writes through `sessions.importing` and the models; only management commands,
tests and bench/ use it.
"""
