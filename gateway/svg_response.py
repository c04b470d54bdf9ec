"""Serving a drawing that someone else wrote (a scenario's map) so that it stays a picture.

The map is checked inert when its scenario is imported (exercise/scenario_map.py); this is
the second wall. Opened on its own, it is a sandboxed document that may load nothing and run
nothing; drawn with <img>, a browser runs no script in it anyway.
"""

from csp.constants import NONE
from csp.decorators import csp
from django.http import HttpResponse

# Inline styles only: a drawing's own <style> and style attributes, nothing fetched.
MAP_POLICY = {"default-src": [NONE], "style-src": ["'unsafe-inline'"], "img-src": ["data:"], "sandbox": True}


def svg_response(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="map.svg"'
    # Each player's and staff member's own; a shared cache must not keep it.
    response["Cache-Control"] = "private, no-cache"
    return response


sandboxed = csp(MAP_POLICY)
