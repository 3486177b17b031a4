"""The strategies endpoint of the JSON API: /api/strategies/ and /api/strategies/<slug>/.

Like the pages, this imports nothing from `sessions`: a strategy's sessions are counted
through the reverse relation `sessions`.
"""

from django.db.models import Count, Prefetch, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from igf_catalogue.api import BySlug, WebAddressField, site_url

from .models import Enabler, Objective, Strategy

# A session's status as stored; the constant itself lives with the Session model.
PUBLISHED_SESSION = "published"


class StrategyPartSerializer(serializers.Serializer):
    """An objective or an enabler of a strategy, in the strategy's order."""

    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True, help_text="Plain text; may be empty.")
    order = serializers.IntegerField(
        read_only=True, help_text="Its place in the strategy's list, smallest first."
    )


class StrategySerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True, help_text="Identifies the strategy in the API.")
    name = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True, help_text="May be empty.")
    owner = serializers.CharField(
        read_only=True, help_text="Who is responsible for the strategy; may be empty."
    )
    year = serializers.IntegerField(read_only=True, allow_null=True)
    description = serializers.CharField(read_only=True, help_text="Sanitised HTML; may be empty.")
    link = WebAddressField(help_text="The strategy's own web page (http or https), or empty.")
    objectives = StrategyPartSerializer(many=True, read_only=True, help_text="Its goals.")
    enablers = StrategyPartSerializer(many=True, read_only=True, help_text="Its means.")
    session_count = serializers.IntegerField(
        read_only=True, help_text="How many published sessions present it."
    )
    site_url = serializers.SerializerMethodField(help_text="The strategy's page on this site.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_site_url(self, strategy: Strategy) -> str:
        return site_url(self.context.get("request"), strategy.get_absolute_url())


def strategies_for_api() -> QuerySet[Strategy]:
    """Strategies by name, with their objectives and enablers in order; three queries."""
    return (
        Strategy.objects.annotate(
            session_count=Count("sessions", filter=Q(sessions__status=PUBLISHED_SESSION))
        )
        .prefetch_related(
            Prefetch("objectives", Objective.objects.order_by("order", "pk")),
            Prefetch("enablers", Enabler.objects.order_by("order", "pk")),
        )
        .order_by("name", "pk")
    )


class StrategyViewSet(BySlug, viewsets.ReadOnlyModelViewSet):
    """Policy strategies presented at sessions, each with its objectives and enablers."""

    serializer_class = StrategySerializer

    def get_queryset(self) -> QuerySet[Strategy]:
        return strategies_for_api()
