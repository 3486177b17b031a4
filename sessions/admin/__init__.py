"""The editors' admin: one module per family of models, as `sessions.models` has them.

Admin classes may use every other package of `sessions`; nothing but Django's admin
site uses them. Importing the modules registers them.
"""

from . import labels, places, session, speakers, view_statistics

__all__ = ["labels", "places", "session", "speakers", "view_statistics"]
