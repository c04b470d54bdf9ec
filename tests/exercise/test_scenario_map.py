"""A scenario's map: an inert SVG drawing or a 400 that says what was found."""

import pytest

from exercise.models import Scenario
from exercise.scenario_document import export_document, validate_document
from exercise.scenario_map import MAP_LIMIT, map_words
from tests import builders
from tests.exercise.test_scenario_document import assert_problem, problems_of

SVG = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
CLEAN = (
    f'<svg {SVG} {XLINK} viewBox="0 0 100 60" role="img" aria-labelledby="t">'
    '<title id="t">Two states and a strait</title>'
    "<desc>Arcadia &amp; Borealis &lt;b&gt;face&lt;/b&gt; each other.</desc>"
    '<defs><pattern id="sea"><rect width="4" height="4" fill="#cde"/></pattern></defs>'
    "<style>.land { fill: #eed; } .sea { fill: url(#sea); }</style>"
    '<rect class="sea" width="100" height="60"/><path class="land" d="M0 0h40v60H0z"/>'
    '<use xlink:href="#t"/><a href="#t"><text x="5" y="30">Arcadia</text></a>'
    "<!-- a comment is fine --></svg>"
)


def test_a_clean_drawing_is_kept_as_written_and_round_trips():
    spec = validate_document(builders.document(map=CLEAN))
    assert spec["map"] == CLEAN
    assert export_document(spec)["map"] == CLEAN
    assert validate_document(export_document(spec)) == spec


def test_a_scenario_without_a_map_exports_none():
    spec = validate_document(builders.document())
    assert spec["map"] == ""
    assert "map" not in export_document(spec)


REFUSED = [
    pytest.param("<svg", ["not well-formed xml", "line 1"], id="broken"),
    pytest.param("just some text", ["not well-formed xml"], id="not-xml"),
    pytest.param('<html xmlns="http://www.w3.org/1999/xhtml"/>', ["root element <html>", "<svg"], id="html-root"),
    pytest.param("<svg><rect/></svg>", ["root element <svg> in no namespace"], id="no-namespace"),
    pytest.param(f"<svg {SVG}><script>alert(1)</script></svg>", ["<script>", "no scripts"], id="script"),
    pytest.param(
        f'<svg {SVG}><s:script xmlns:s="http://www.w3.org/2000/svg"/></svg>', ["<script>"], id="script-prefixed"
    ),
    pytest.param(
        f"<svg {SVG}><foreignObject><p>hi</p></foreignObject></svg>", ["<foreignobject>"], id="foreign-object"
    ),
    pytest.param(f'<svg {SVG} onload="alert(1)"/>', ["event-handler attribute onload"], id="onload"),
    pytest.param(f'<svg {SVG}><rect ONCLICK="x()"/></svg>', ["event-handler attribute onclick"], id="onclick-upper"),
    pytest.param(
        f'<svg {SVG}><image href="https://example.invalid/x.png"/></svg>',
        ['href="https://example.invalid/x.png"', "starting with #"],
        id="external-href",
    ),
    pytest.param(
        f'<svg {SVG} {XLINK}><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        ['href="javascript:alert(1)"'],
        id="javascript-xlink",
    ),
    pytest.param(
        f'<svg {SVG}><set attributeName="href" to="javascript:alert(1)"/></svg>',
        ["animates the attribute href"],
        id="animated-href",
    ),
    pytest.param(
        f'<svg {SVG}><rect fill="url(https://example.invalid/p.svg#p)"/></svg>', ["url() outside"], id="paint-url"
    ),
    pytest.param(
        f'<svg {SVG}><style>@import "https://example.invalid/a.css";</style></svg>', ["<style>", "@import"], id="import"
    ),
    pytest.param(
        f'<?xml-stylesheet href="https://example.invalid/a.css"?><svg {SVG}/>',
        ["processing instruction <?xml-stylesheet"],
        id="stylesheet-pi",
    ),
    pytest.param(
        '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f"<svg {SVG}><text>&b;&b;&b;&b;</text></svg>",
        ["document type", "delete the doctype"],
        id="entity-expansion",
    ),
    pytest.param(
        f'<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg {SVG}><text>&e;</text></svg>',
        ["document type"],
        id="external-entity",
    ),
    pytest.param(12, ["must be text"], id="not-text"),
]


@pytest.mark.parametrize(("value", "fragments"), REFUSED)
def test_a_map_that_is_not_an_inert_drawing_is_refused_at_its_path(value, fragments):
    assert_problem(problems_of(builders.document(map=value)), "map", *fragments)


def test_every_finding_is_reported_at_once():
    drawing = f'<svg {SVG} onload="a()"><script/><image href="http://example.invalid/x.png"/></svg>'
    messages = [message for path, message in problems_of(builders.document(map=drawing)) if path == "map"]
    assert len(messages) == 3, messages


def test_a_map_over_the_limit_is_refused_with_its_length():
    drawing = f"<svg {SVG}><!--{'x' * MAP_LIMIT}--></svg>"
    assert_problem(problems_of(builders.document(map=drawing)), "map", f"{len(drawing)} characters", str(MAP_LIMIT))


@pytest.mark.django_db
def test_the_api_answers_a_scripted_map_with_400_at_map_and_stores_a_clean_one(api, facilitator):
    bad = builders.document(key="scripted-map", map=f'<svg {SVG}><script>alert("x")</script></svg>')
    response = api.post("/api/v1/scenarios", bad, token=facilitator.token, content_type="application/json")
    assert response.status_code == 400, response.content
    details = response.json()["error"]["details"]
    assert [d["path"] for d in details] == ["map"]
    assert "<script>" in details[0]["message"]
    assert not Scenario.objects.filter(key="scripted-map").exists()

    good = builders.document(key="mapped", map=CLEAN)
    response = api.post("/api/v1/scenarios", good, token=facilitator.token, content_type="application/json")
    assert response.status_code == 201, response.content
    exported = api.get(f"/api/v1/scenarios/{response.json()['id']}", token=facilitator.token, data={"format": "json"})
    assert exported.json()["map"] == CLEAN


def test_the_drawing_s_own_title_and_description_are_its_words():
    assert map_words(CLEAN) == {
        "title": "Two states and a strait",
        "desc": "Arcadia & Borealis <b>face</b> each other.",
    }
    assert map_words(f"<svg {SVG}><g><title>  A  \n sea </title></g><title>second</title></svg>")["title"] == "A sea"
    assert map_words(f"<svg {SVG}/>") == {"title": "", "desc": ""}
