"""The catalogue taken away: the REST API, the downloads and the exporters behind them
(one module a format), the feeds, calendars, frab schedules, sitemaps and schema.org data.

It reads through `sessions.models`, `sessions.browsing`'s filters and selectors and the
`sessions.caching` of pages; nothing in `sessions` but the URLs and templates uses it.
"""
