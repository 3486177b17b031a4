"""The public pages people browse: home, the session list with its filters and facets,
a session with its related sessions and chart of views, venues, years, speakers, tags.

Views stay thin: they read through `selectors` (and `people`, `related`, `facets`) and
may use every package below them (caching, counting, search, models); nothing but the
URLs and the templates' tags uses them.
"""
