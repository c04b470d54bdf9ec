"""A scenario's map: an SVG drawing of its fictional geography, shown to every team.

The drawing is written by whoever writes the scenario and read by every player, so it is
held to what a picture needs. It must be well-formed XML with an ``svg`` root in the SVG
namespace, and it may carry nothing that runs or reaches out: no scripts, no
``foreignObject``, no event-handler attributes, no references outside the drawing itself,
and no document type (the way entity expansion gets in). The pages draw it with an
``<img>`` and serve it sandboxed (players/map_http.py), so even a miss here stays inert;
refusing it at the door tells the writer what is wrong instead.
"""

import re
from typing import Any
from xml.parsers import expat

from exercise.document_checks import Checker
from exercise.errors import NotFound
from exercise.models import Exercise
from exercise.roles import Caller, require_in_exercise

MAP_LIMIT = 200_000
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# Animation can set an attribute after the drawing is read: it may not set a link or a handler.
ANIMATIONS = {"set", "animate", "animateMotion", "animateTransform", "animateColor"}
# url(...) in a style or a paint attribute reaches out unless it names a fragment of the drawing.
OUTSIDE_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)
IMPORT = re.compile(r"@import", re.IGNORECASE)
# Enough findings to see the pattern of what is wrong, not a page of them.
FINDINGS_SHOWN = 10


def scenario_map(check: Checker, top: dict[str, Any]) -> str:
    """The map's SVG text in normal form; blank when the scenario has none."""
    text = check.text(top, "map", "map", required=False, limit=MAP_LIMIT)
    if not text.strip() or len(text) > MAP_LIMIT:
        return text
    for finding in map_problems(text)[:FINDINGS_SHOWN]:
        check.problem("map", finding)
    return text


def map_problems(text: str) -> list[str]:
    """What makes this text unfit to be shown as a map, one sentence per finding."""
    reader = _Reader()
    try:
        reader.read(text)
    except expat.ExpatError as exc:
        return [
            f"is not well-formed XML: {expat.ErrorString(exc.code)} at line {exc.lineno}, column {exc.offset + 1}; "
            "a map must be an SVG drawing"
        ]
    except _Refused as exc:
        return [str(exc)]
    if reader.root is None:
        return ["holds no element; a map must be an SVG drawing with an <svg> root"]
    return reader.findings


class _Refused(Exception):
    """A finding that stops the reading: what follows it is not read at all."""


class _Reader:
    def __init__(self) -> None:
        self.root: tuple[str, str] | None = None
        self.findings: list[str] = []
        self.in_style = 0

    def read(self, text: str) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.ProcessingInstructionHandler = self._instruction
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.Parse(text, True)

    def _doctype(self, name: str, *_: Any) -> None:
        raise _Refused(
            f"declares a document type (<!DOCTYPE {name}>); a map may not, since a document type can "
            "define entities that expand without end. Delete the DOCTYPE line"
        )

    def _entity(self, name: str, *_: Any) -> None:
        raise _Refused(f"declares the entity '{name}'; a map may not declare entities")

    def _instruction(self, target: str, data: str) -> None:
        self.findings.append(
            f"holds the processing instruction <?{target} …?>, which can load a stylesheet from elsewhere; "
            "a map may hold none"
        )

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, local = _split(name)
        if self.root is None:
            self.root = (namespace, local)
            if local != "svg" or namespace != SVG_NAMESPACE:
                found = f"<{local}>" + (f" in the namespace {namespace}" if namespace else " in no namespace")
                raise _Refused(f'has the root element {found}; a map\'s root must be <svg xmlns="{SVG_NAMESPACE}">')
        if local in ("script", "foreignObject"):
            self.findings.append(
                f"holds a <{local}> element; a map may hold no scripts and no foreignObject, only drawing"
            )
        if local == "style":
            self.in_style += 1
        for attribute, value in attributes.items():
            self._attribute(local, _split(attribute)[1], value)

    def _attribute(self, element: str, name: str, value: str) -> None:
        if name.lower().startswith("on"):
            self.findings.append(
                f"gives <{element}> the event-handler attribute {name}; a map may hold no event handlers"
            )
        elif name == "href" and not value.startswith("#"):
            self.findings.append(
                f'gives <{element}> a reference outside the drawing (href="{_shown(value)}"); '
                "a map may link only to its own parts, with an href starting with #"
            )
        elif element in ANIMATIONS and name == "attributeName" and (value.endswith("href") or value.startswith("on")):
            self.findings.append(
                f"animates the attribute {value} with <{element}>; a map may not change links or handlers"
            )
        elif OUTSIDE_URL.search(value):
            self.findings.append(
                f"gives <{element}> a url() outside the drawing in {name}; a map may refer only to its own "
                "parts, as url(#id)"
            )

    def _end(self, name: str) -> None:
        if _split(name)[1] == "style":
            self.in_style -= 1

    def _text(self, data: str) -> None:
        if self.in_style and (OUTSIDE_URL.search(data) or IMPORT.search(data)):
            self.findings.append(
                "has a <style> that loads something from outside the drawing (url() or @import); "
                "a map's styles may refer only to its own parts"
            )


def _split(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(" ")
    return namespace, local


def _shown(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def map_words(text: str) -> dict[str, str]:
    """What the drawing says of itself in words, its first <title> and <desc>, for the page
    that shows it as an image (an image's inner text reaches no screen reader)."""
    found: dict[str, list[str]] = {"title": [], "desc": []}
    open_as: list[str] = []

    def start(name: str, _attributes: dict[str, str]) -> None:
        local = _split(name)[1]
        open_as.append(local if local in found and not found[local] else "")

    def end(_name: str) -> None:
        open_as.pop()

    def data(chunk: str) -> None:
        if open_as and open_as[-1]:
            found[open_as[-1]].append(chunk)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, data
    try:
        parser.Parse(text, True)
    except expat.ExpatError:
        return {"title": "", "desc": ""}
    return {name: " ".join("".join(chunks).split()) for name, chunks in found.items()}


def exercise_map(*, caller: Caller, exercise: Exercise) -> str:
    """The map of the exercise's scenario, for its staff and its own players."""
    require_in_exercise(caller, exercise)
    if not exercise.scenario.map:
        raise NotFound(f"The scenario of exercise {exercise.pk} has no map.")
    return exercise.scenario.map
