"""Read a Markdown source: decode, split the YAML front matter, keep line numbers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from leafpress.errors import Diagnostic, LeafletError, error
from leafpress.files import FileRefused, read_regular
from leafpress.limits import MAX_FRONT_MATTER_BYTES, MAX_SOURCE_BYTES, MAX_WARNINGS
from leafpress.model.characters import hidden_characters

FENCE = "---"


@dataclass(frozen=True)
class Field:
    """One front-matter value and the 1-based line its key is on."""

    value: Any
    line: int


@dataclass(frozen=True)
class Source:
    """A source file split into front-matter fields and the Markdown body."""

    path: Path
    fields: dict[str, Field]
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    end_line: int  # line of the closing fence


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases (no 'billion laughs')."""

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (&name, *name) are not allowed",
                problem_mark=event.start_mark)
        return super().compose_node(parent, index)




def decode(path: Path, raw: bytes) -> str:
    """Decode UTF-8 (a BOM is allowed); a bad byte is an error at its line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise LeafletError(error("encoding", path, line,
                                 f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                                 "save the file as UTF-8")) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _yaml_line(exc: yaml.YAMLError, offset: int) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 + offset if mark is not None else offset + 1


def _yaml_message(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "could not determine a constructor" in str(exc):
        problem = ("merge keys (<<) are not allowed" if "yaml.org,2002:merge" in str(exc)
                   else "YAML tags like !!python are not allowed")
    return f"invalid front matter: {problem}"


def _construct(loader: yaml.SafeLoader, node: yaml.Node, path: Path, line: int) -> Any:
    """Build a value; PyYAML raises plain ValueErrors for e.g. 2026-13-45 or huge numbers."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError, TypeError) as exc:
        problem = str(exc).split(";")[0]
        if "integer string conversion" in problem:
            problem = "a number with too many digits"
        raise LeafletError(error("front-matter", path, line,
                                 f"invalid front matter: {problem}")) from None


def parse_front_matter(path: Path, text: str, offset: int) -> dict[str, Field]:
    """Parse YAML safely into {key: Field}; offset is the line before the YAML starts."""
    if len(text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise LeafletError(error("front-matter", path, offset,
                                 "front matter is larger than 64 KB"))
    loader = None
    try:
        loader = _StrictLoader(text)  # already reads the text: it refuses control characters
        node = loader.get_single_node()
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            raise LeafletError(error("front-matter", path, node.start_mark.line + 1 + offset,
                                     "front matter must be 'key: value' lines"))
        fields: dict[str, Field] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1 + offset
            key = _construct(loader, key_node, path, line)
            if not isinstance(key, str):
                raise LeafletError(error("front-matter", path, line, f"key {key!r} is not a name"))
            if key in fields:
                raise LeafletError(error("front-matter", path, line, f"'{key}' is given twice"))
            fields[key] = Field(_construct(loader, value_node, path, line), line)
        return fields
    except yaml.reader.ReaderError as exc:  # a control character: no mark, a position
        line = offset + 1 + text.count("\n", 0, exc.position)
        raise LeafletError(error("front-matter", path, line, _yaml_message(exc))) from None
    except yaml.YAMLError as exc:
        raise LeafletError(error("front-matter", path, _yaml_line(exc, offset),
                                 _yaml_message(exc))) from None
    except RecursionError:
        raise LeafletError(error("front-matter", path, offset + 1,
                                 "invalid front matter: nested too deeply")) from None
    finally:
        if loader is not None:
            loader.dispose()


def split_source(path: Path, text: str) -> Source:
    """Split text into front matter and body; the file must open with a '---' fence."""
    if not text.strip():
        raise LeafletError(error("empty", path, 1, "the file is empty"))
    lines = text.split("\n")
    if lines[0].strip() != FENCE:
        raise LeafletError(error("front-matter", path, 1,
                                 "missing front matter: the file must start with a '---' line"))
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            end = index
            break
    else:
        raise LeafletError(error("front-matter", path, 1,
                                 "front matter is not closed: add a '---' line after it"))
    fields = parse_front_matter(path, "\n".join(lines[1:end]), offset=1)
    return Source(path, fields, "\n".join(lines[end + 1:]), end + 2, end + 1)


def read_source(path: Path) -> Source:
    """Read and split one source file, turning every problem into a LeafletError."""
    source, hidden = read_source_with_hidden(path)
    if hidden:
        raise LeafletError(hidden)
    return source


def read_source_with_hidden(path: Path) -> tuple[Source, list[Diagnostic]]:
    """The source, and an error at each line holding a character that hides or reorders
    text (front matter and body alike): `check` goes on to its other rules, `build` stops."""
    try:
        raw = read_regular(path, MAX_SOURCE_BYTES)
    except FileRefused as exc:
        if exc.reason.startswith("file larger"):
            raise LeafletError(error("too-large", path, 0, "the file is larger than 2 MB")) from None
        raise LeafletError(error("unreadable", path, 0, f"cannot read: {exc.reason}")) from None
    text = decode(path, raw)
    source = split_source(path, text)  # YAML's own errors (a control character too) first
    return source, hidden_findings(path, text)


def hidden_findings(path: Path, text: str) -> list[Diagnostic]:
    """An error at each line of text holding a hidden character (the first MAX_WARNINGS,
    then one counting the rest)."""
    found = hidden_characters(text)
    problems = [error("hidden-character", path, item.line, item.message())
                for item in found[:MAX_WARNINGS]]
    if len(found) > MAX_WARNINGS:
        problems.append(error("hidden-character", path, found[MAX_WARNINGS].line,
                              f"{len(found) - MAX_WARNINGS} more hidden characters after these"))
    return problems


def is_date(value: Any) -> bool:
    """True for a plain date (YAML 2026-10-01), not a date with a time."""
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def discover(sources: list[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand folders into their .md files (recursively, sorted); report missing paths."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for source in sources:
        if source.is_dir():
            found.extend(sorted(p for p in source.rglob("*.md") if p.is_file()))
        elif source.is_file():
            found.append(source)
        else:
            problems.append(error("not-found", source, 0, "no such file or folder"))
    unique = list(dict.fromkeys(found))
    return unique, problems
