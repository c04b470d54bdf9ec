"""Reading and writing scenario documents as JSON or YAML text."""

import json
from collections.abc import Hashable
from typing import Any

import yaml

from exercise.errors import Invalid

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate fields and aliases.

    PyYAML keeps the last of two equal fields silently, which hides a writer's mistake;
    aliases are never needed in a scenario and let a small file expand enormously.
    """

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed in a scenario", mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.MarkedYAMLError(None, None, f"field '{key}' appears twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _StrictLoader.construct_mapping)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"field '{key}' appears twice")
        result[key] = value
    return result


def is_yaml(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in YAML_TYPES


def parse_text(raw: bytes, *, yaml_syntax: bool) -> Any:
    """The document's data; Invalid with one problem saying where the text is broken."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid("The document is not UTF-8 text.", [{"path": "", "message": str(exc)}]) from exc
    if not text.strip():
        raise Invalid("The document is empty.", [{"path": "", "message": "the document is empty"}])
    if yaml_syntax:
        try:
            return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            message = f"{where}{exc.problem or exc.context or 'unreadable YAML'}"
            raise Invalid("The YAML cannot be read.", [{"path": "", "message": message}]) from exc
        except (yaml.YAMLError, RecursionError) as exc:
            raise Invalid("The YAML cannot be read.", [{"path": "", "message": str(exc)}]) from exc
    try:
        return json.loads(text, object_pairs_hook=_json_object)
    except json.JSONDecodeError as exc:
        message = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise Invalid("The JSON cannot be read.", [{"path": "", "message": message}]) from exc
    except (ValueError, RecursionError) as exc:
        raise Invalid("The JSON cannot be read.", [{"path": "", "message": str(exc)}]) from exc


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line text as ``|`` blocks so exported bodies read like the original."""


# Characters a YAML reader treats as line breaks inside a block: such text must be quoted.
_YAML_BREAKS = ("\x85", "\u2028", "\u2029", "\r")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if any(ch in value for ch in _YAML_BREAKS):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def dump_yaml(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)


def dump_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
