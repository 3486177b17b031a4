import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what a commit would at the end of the block: the search
    vectors' refresh among it (a test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
