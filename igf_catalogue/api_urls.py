"""The read-only JSON API under /api/: every endpoint, its OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from sessions.open_data import api as session_api
from strategies import api as strategy_api

from .api_docs import ApiDocsView

app_name = "api"

router = DefaultRouter()
# One address per resource: no /api/sessions.json beside /api/sessions/.
router.include_format_suffixes = False
router.register("sessions", session_api.SessionViewSet, basename="session")
router.register("meetings", session_api.MeetingViewSet, basename="meeting")
router.register("venues", session_api.VenueViewSet, basename="venue")
router.register("session-types", session_api.SessionTypeViewSet, basename="session-type")
router.register("topics", session_api.TopicViewSet, basename="topic")
router.register("strategies", strategy_api.StrategyViewSet, basename="strategy")
router.register("speakers", session_api.SpeakerViewSet, basename="speaker")
router.register("tags", session_api.TagViewSet, basename="tag")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
