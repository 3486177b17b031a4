from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from django.views.i18n import set_language

from sessions.browsing import views as session_views
from sessions.open_data.sitemaps import SITEMAPS

urlpatterns = [
    path("", session_views.home, name="home"),
    path("", include("sessions.urls")),
    path("strategies/", include("strategies.urls")),
    path("admin/", admin.site.urls),
    # The language switcher's form posts here; it only sets the language cookie, so it
    # needs no CSRF token, and the pages that carry the form give no cookie of their own.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/", include("igf_catalogue.api_urls")),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        # Django's template, with room for the sessions' videos.
        {"sitemaps": SITEMAPS, "template_name": "sitemap_with_videos.xml"},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots",
    ),
]

handler404 = "igf_catalogue.errors.page_not_found"
handler500 = "igf_catalogue.errors.server_error"
