"""What a process served last, kept in its own memory for as long as the page cache
keeps it (CATALOGUE_PAGE_CACHE_SECONDS), the least recently used dropped first."""

import time
from collections import OrderedDict

from django.conf import settings


class RecentlyKept:
    """The pages and values this process served last, so that a busy page costs no trip
    to a shared cache. Keys hold the catalogue version, so a change is never hidden here
    either; nothing is kept longer than in the shared cache. Anything with a `kept_at`
    (seconds since the epoch) may be kept (the kept answers are, too)."""

    def __init__(self, size: int = 256):
        self.size = size
        self.items: OrderedDict[str, object] = OrderedDict()

    def get(self, key: str):
        item = self.items.get(key)
        if item is None:
            return None
        if item.kept_at + settings.CATALOGUE_PAGE_CACHE_SECONDS < time.time():
            self.items.pop(key, None)
            return None
        self.items.move_to_end(key)
        return item

    def keep(self, key: str, item) -> None:
        self.items[key] = item
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)
