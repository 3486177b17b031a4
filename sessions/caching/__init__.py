"""Keeping what visitors are shown: the catalogue's `version` (and the `tracked_version`
of it each process keeps), the `page_cache` of whole pages and values keyed by it, and
the `live_parts` spliced into a kept page for each request.

It uses `sessions.models` only; the pages, the API, the importer and the admin use it.
"""
