"""The JSON API at /api/v1/: the routers of the apps, assembled with their docs."""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from gateway.auth import BearerToken, BrowserSession
from gateway.errors import answer_errors_in_one_shape, document_errors


class ParleyAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        document_errors(schema)
        return schema


api = ParleyAPI(
    title="Parley API",
    version="1",
    description="Tabletop crisis exercises in military diplomacy. Every error has the shape "
    '`{"error": {"code", "message", "details"}}`.',
    auth=[BearerToken(), BrowserSession()],
    urls_namespace="api",
)
answer_errors_in_one_shape(api)

api.add_router("", "gateway.health.router")
api.add_router("", "gateway.revocation.router")
api.add_router("", "facilitator.api.router")
api.add_router("", "players.api.router")
api.add_router("", "players.commands_api.router")
api.add_router("", "players.brief_api.router")
api.add_router("", "realtime.api.router")
api.add_router("", "facilitator.evaluation_api.router")
api.add_router("", "facilitator.cell_api.router")
api.add_router("", "facilitator.review_api.router")
api.add_router("", "facilitator.archive_api.router")
api.add_router("", "facilitator.staff_api.router")
