"""Read YAML text into plain data plus the position of every key and value.

PyYAML's own loaders lose positions, accept duplicate keys silently and expand aliases (the "billion laughs"
bomb). This module builds the data straight from the parser's event stream instead, iteratively, so it also
survives deep nesting:

- every value's start (``values``) and every mapping key's start (``keys``) is recorded by JSON path;
- duplicate keys are problems (the first occurrence is kept);
- aliases, non-standard tags and non-string keys are refused (``fatal``: the data is not worth validating);
- only the first document is read; a second one is a problem.

Scalars follow YAML 1.1 as PyYAML's ``SafeLoader`` does, except that timestamps stay strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

JsonPath = tuple[str | int, ...]
Mark = tuple[int, int]

#: Deepest nesting accepted; tenant files need 5.
MAX_DEPTH = 32

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")}
# Characters YAML 1.1 does not allow in a stream (the reader rejects them).
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Scalars(SafeConstructor):
    """Only used for its scalar conversions."""


_RESOLVER = Resolver()
_SCALARS = _Scalars()


@dataclass
class Parsed:
    """The data of a YAML file's first document, with positions. ``value`` is ``MISSING`` if absent."""

    value: Any
    values: dict[JsonPath, Mark] = field(default_factory=dict)
    keys: dict[JsonPath, Mark] = field(default_factory=dict)
    problems: list[tuple[Mark, str]] = field(default_factory=list)
    fatal: bool = False


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: JsonPath | None  # None: a discarded subtree (duplicate key, complex key); record nothing
    mark: Mark
    key: str | None = None  # mappings: the key waiting for its value
    key_path: JsonPath | None = None  # path for the pending value (None: discard it)
    is_key: bool = False  # this container is itself a (refused) mapping key


def _mark(event: Any) -> Mark:
    return (event.start_mark.line + 1, event.start_mark.column + 1)


def position_of(text: str, index: int) -> Mark:
    """1-based line and column of character ``index`` in ``text``."""
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + 1
    return (line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _show_tag(tag: str) -> str:
    return _show("!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag)


def _scalar(event: ScalarEvent) -> tuple[Any, str | None]:
    """Convert a scalar event to a value, or return an error message."""
    tag = event.tag
    if tag is None:
        tag = str(_RESOLVER.resolve(ScalarNode, event.value, event.implicit))  # type: ignore[no-untyped-call]
    elif tag == "!":
        tag = _TAG + "str"
    if tag not in _SCALAR_TAGS:
        return None, f"unsupported YAML tag {_show_tag(tag)}: remove it"
    if tag in (_TAG + "str", _TAG + "timestamp"):
        return event.value, None
    node = ScalarNode(tag, event.value)
    try:
        if tag == _TAG + "int":
            return _SCALARS.construct_yaml_int(node), None
        if tag == _TAG + "float":
            return _SCALARS.construct_yaml_float(node), None
        if tag == _TAG + "bool":
            return _SCALARS.construct_yaml_bool(node), None
        return None, None
    except (ValueError, ArithmeticError, yaml.YAMLError):
        return None, f"{_show(event.value)} is not a valid {tag[len(_TAG) :]}"


def _syntax_message(error: yaml.MarkedYAMLError) -> str:
    problem = " ".join((error.problem or "invalid YAML").split())
    message = f"YAML syntax error: {problem}"
    if error.context:
        context = " ".join(error.context.split())
        where = ""
        if error.context_mark is not None and error.context_mark != error.problem_mark:
            where = f" at line {error.context_mark.line + 1}, column {error.context_mark.column + 1}"
        message += f" ({context}{where})"
    return message


def parse(text: str) -> Parsed:
    """Parse ``text`` (already decoded). Never raises for any input."""
    result = Parsed(MISSING)
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        char = bad.group()
        result.problems.append(
            (position_of(text, bad.start()), f"control character U+{ord(char):04X} is not allowed in YAML")
        )
        result.fatal = True
        return result
    try:
        _build(text, result)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        result.problems.append((where, _syntax_message(error)))
        result.fatal = True
    except yaml.YAMLError as error:
        position = getattr(error, "position", 0)
        reason = getattr(error, "reason", None) or "unreadable YAML"
        where = position_of(text, position if isinstance(position, int) else 0)
        result.problems.append((where, f"YAML error: {' '.join(str(reason).split())}"))
        result.fatal = True
    except RecursionError:  # pragma: no cover - the builder is iterative; belt and braces
        result.problems.append(((1, 1), f"nesting deeper than {MAX_DEPTH} levels"))
        result.fatal = True
    return result


def _build(text: str, result: Parsed) -> None:
    stack: list[_Frame] = []
    aliases: dict[str, list[Mark]] = {}  # anchor name -> where it is used
    documents = 0
    problems = result.problems
    values = result.values

    def place(value: Any, mark: Mark) -> JsonPath | None:
        """Attach a (just opened) value to its parent; return the value's path (None: discarded)."""
        if not stack:
            result.value = value
            values[()] = mark
            return ()
        parent = stack[-1]
        if isinstance(parent.container, list):
            path = None if parent.path is None else (*parent.path, len(parent.container))
            parent.container.append(value)
            if path is not None:
                values[path] = mark
            return path
        # a mapping: this value is either a key or the value of the pending key
        assert parent.key is not None
        path = parent.key_path
        if path is not None:
            parent.container[parent.key] = value
            values[path] = mark
        parent.key = None
        parent.key_path = None
        return path

    def take_key(frame: _Frame, key: str | None, mark: Mark) -> None:
        """A key arrived in ``frame`` (None: a refused key); decide where its value goes."""
        assert isinstance(frame.container, dict)
        frame.key = key if key is not None else ""
        frame.key_path = None
        if key is None or frame.path is None:
            return
        path = (*frame.path, key)
        if key in frame.container:
            first = result.keys[path]
            problems.append((mark, f"duplicate key {_show(key)} (first at line {first[0]}, column {first[1]})"))
            return
        result.keys[path] = mark
        frame.key_path = path

    def expecting_key() -> bool:
        return bool(stack) and isinstance(stack[-1].container, dict) and stack[-1].key is None

    def fatal(mark: Mark, message: str) -> None:
        problems.append((mark, message))
        result.fatal = True

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    problems.append(
                        (
                            _mark(event),
                            "a second YAML document ('---'): a tenant file holds exactly one document",
                        )
                    )
                    return
            elif isinstance(event, ScalarEvent):
                mark = _mark(event)
                if expecting_key():
                    if event.tag not in (None, "!", _TAG + "str"):
                        fatal(mark, f"unsupported YAML tag {_show_tag(str(event.tag))} on a key: remove it")
                        take_key(stack[-1], None, mark)
                    else:
                        take_key(stack[-1], event.value, mark)
                    continue
                value, error = _scalar(event)
                if error is not None:
                    fatal(mark, error)
                place(value, mark)
            elif isinstance(event, AliasEvent):
                mark = _mark(event)
                aliases.setdefault(str(event.anchor), []).append(mark)
                result.fatal = True
                if expecting_key():
                    take_key(stack[-1], None, mark)
                else:
                    place(None, mark)
            elif isinstance(event, MappingStartEvent | SequenceStartEvent):
                mark = _mark(event)
                is_map = isinstance(event, MappingStartEvent)
                if len(stack) >= MAX_DEPTH:
                    fatal(mark, f"nesting deeper than {MAX_DEPTH} levels")
                    return
                expected = _TAG + ("map" if is_map else "seq")
                if event.tag not in (None, "!", expected):
                    fatal(mark, f"unsupported YAML tag {_show_tag(str(event.tag))}: remove it")
                container: dict[str, Any] | list[Any] = {} if is_map else []
                if expecting_key():
                    fatal(mark, "a key must be a plain string, not a " + ("mapping" if is_map else "list"))
                    stack.append(_Frame(container, None, mark, is_key=True))
                    continue
                path = place(container, mark)
                stack.append(_Frame(container, path, mark))
            elif isinstance(event, MappingEndEvent | SequenceEndEvent):
                frame = stack.pop()
                if frame.is_key:
                    take_key(stack[-1], None, frame.mark)
    finally:
        for anchor, marks in aliases.items():
            times = f" (used {len(marks)} times)" if len(marks) > 1 else ""
            problems.append((marks[0], f"YAML alias {_show('*' + anchor)}{times} is not allowed: write the value out"))
