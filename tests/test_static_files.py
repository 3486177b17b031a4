"""Static files as production serves them: collected under hashed names, compressed,
and cached by browsers for a year (WhiteNoise)."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.production import run_script_in_production

ONE_YEAR = 365 * 24 * 60 * 60


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """collectstatic with the production storage into a fresh directory."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    production_storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        STATIC_ROOT=static_root,
        STORAGES=production_storages,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield static_root


def test_production_settings_use_whitenoise_compressed_manifest_storage():
    result = run_script_in_production(
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.STORAGES['staticfiles']['BACKEND'])"
    )
    assert result.stdout.split() == [
        "False",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_collected_files_have_hashed_names_and_compressed_variants(collected_static):
    css = collected_static / "css"
    hashed = [path for path in css.iterdir() if re.fullmatch(r"site\.[0-9a-f]{12}\.css", path.name)]
    assert len(hashed) == 1
    assert (css / f"{hashed[0].name}.gz").exists()


def fetch_static(path: str) -> HttpResponse:
    whitenoise = WhiteNoiseMiddleware(get_response=lambda request: HttpResponse(status=404))
    request = RequestFactory().get(path, headers={"accept-encoding": "gzip, deflate, br"})
    return whitenoise(request)


def test_hashed_files_are_served_compressed_and_cached_for_a_year(collected_static):
    from django.contrib.staticfiles.storage import staticfiles_storage

    with override_settings(
        STATIC_ROOT=collected_static,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        url = staticfiles_storage.url("css/site.css")
        assert re.search(r"/site\.[0-9a-f]{12}\.css$", url)
        response = fetch_static(url)
        assert response.status_code == 200
        assert response["Content-Encoding"] in ("gzip", "br")
        cache_control = response["Cache-Control"]
        max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
        assert max_age >= ONE_YEAR
        assert "immutable" in cache_control

        # The unhashed name may change content under the same address: a short cache.
        unhashed = fetch_static("/static/css/site.css")
        assert unhashed.status_code == 200
        assert "immutable" not in unhashed["Cache-Control"]
