"""The production settings with the benchmark's URLconf (the site plus a floor page).

Only `bench/run` uses these; nothing else in the site changes.
"""

from igf_catalogue.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
