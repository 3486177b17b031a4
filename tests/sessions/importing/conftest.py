import pytest


@pytest.fixture(autouse=True)
def _annual_meetings(annual_meetings):
    """The catalogue these files import into holds the annual IGFs their sessions were
    held at, as every catalogue does."""
