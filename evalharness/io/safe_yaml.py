"""Safe YAML reading with line numbers.

``yaml.safe_load`` loses positions, so we compose the node graph with PyYAML's
safe loader and build plain Python values ourselves. That lets every later error
name the line of the offending field, refuses any non-standard tag (such as
``!!python/object/apply``) without constructing anything, bounds the expansion
of aliases (YAML "billion laughs" bombs), and rejects duplicate keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError

MAX_NODES = 200_000  # expanded nodes per document; a real case file has a few hundred
MAX_DEPTH = 64       # nesting depth; a real case file nests four or five levels
MAX_BYTES = 50 * 1024 * 1024

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
}

Path_ = tuple  # a path into the document: keys and indices


@dataclass
class Document:
    """A parsed YAML document: plain data plus the line of every node."""

    file: str
    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)

    scalars: dict[tuple, str] = field(default_factory=dict)  # path -> text as written, for numbers

    def scalar_text(self, *path) -> str | None:
        """The text of the number at ``path`` as written in the file (``010``, not 8)."""
        return self.scalars.get(tuple(path))

    def line(self, *path) -> int | None:
        """Line of the node at ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def read_text(path: Path, *, error_cls=InputError, what: str = "file", regular_only: bool = False) -> str:
    """Read a UTF-8 text file, with one clear error for missing, binary or mis-encoded files.

    At most :data:`MAX_BYTES` are read, whatever the file claims to be (a device or a
    pipe has no size to trust). With ``regular_only`` a pipe or device is refused
    before it is opened (opening a FIFO with no writer would wait forever)."""
    import stat as stat_
    try:
        st = path.stat()
    except FileNotFoundError:
        raise error_cls(f"{what} not found", file=str(path)) from None
    except OSError as exc:
        raise error_cls(f"cannot read {what}: {exc.strerror}", file=str(path)) from None
    if stat_.S_ISDIR(st.st_mode):
        raise error_cls(f"is a directory, not a {what}", file=str(path))
    if regular_only and not stat_.S_ISREG(st.st_mode):
        raise error_cls(f"is not a regular file (a pipe or a device); a {what} must be a file", file=str(path))
    if st.st_size > MAX_BYTES:
        raise error_cls(f"{what} is {st.st_size} bytes, larger than the {MAX_BYTES} byte limit", file=str(path))
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise error_cls(f"cannot read {what}: {exc.strerror}", file=str(path)) from None
    if len(raw) > MAX_BYTES:
        raise error_cls(f"{what} is larger than the {MAX_BYTES} byte limit", file=str(path))
    if b"\x00" in raw:
        raise error_cls("is a binary file, not UTF-8 text", file=str(path))
    return decode_utf8(raw, str(path), error_cls)


def decode_utf8(raw: bytes, file: str, error_cls=InputError) -> str:
    """Decode UTF-8 (a leading BOM is allowed) or raise one error naming the line and the bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error_cls(f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column}); save it as UTF-8",
                        file=file, line=line) from None


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.context == "expected a single document in the stream":
        return ("the file holds more than one YAML document ('---'); put several cases in one list instead")
    if (exc.context and exc.problem and exc.context_mark is not None and exc.problem_mark is not None
            and exc.context_mark.line != exc.problem_mark.line):
        return f"YAML syntax error: {problem} ({exc.context} from line {exc.context_mark.line + 1})"
    return f"YAML syntax error: {problem}"


def load_yaml(path: Path, *, error_cls=InputError, text: str | None = None, what: str = "YAML file",
              regular_only: bool = False) -> Document:
    """Parse one YAML file into a :class:`Document`. Multi-document streams are refused."""
    if text is None:
        text = read_text(path, error_cls=error_cls, what=what, regular_only=regular_only)
    file = str(path)
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise error_cls(_syntax_message(exc), file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise error_cls(f"YAML error: {exc}", file=file) from None
    except RecursionError:  # PyYAML's composer recurses once per nesting level
        raise error_cls(f"the YAML nests too deeply (more than {MAX_DEPTH} levels); refused", file=file) from None
    doc = Document(file=file, data=None)
    if node is None:
        return doc
    builder = _Builder(doc, error_cls)
    doc.data = builder.build(node, ())
    return doc


class _Builder:
    def __init__(self, doc: Document, error_cls) -> None:
        self.doc = doc
        self.error_cls = error_cls
        self.count = 0
        self.seen: set[int] = set()
        self.aliased = False  # a node built a second time: reached through an alias
        self.scalars = yaml.SafeLoader("")

    def fail(self, message: str, node) -> None:
        raise self.error_cls(message, file=self.doc.file, line=node.start_mark.line + 1)

    def build(self, node, path: tuple):
        # Plain data is bounded by the file size limit; only aliases can make a small
        # file expand without bound, so the node limit applies once an alias is used.
        self.count += 1
        if id(node) in self.seen:
            self.aliased = True
        else:
            self.seen.add(id(node))
        if self.count > MAX_NODES and self.aliased:
            self.fail(f"document expands to more than {MAX_NODES} nodes (YAML alias bomb?); refused", node)
        if node.tag not in _STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
            self.fail(f"YAML tag '{tag}' refused: only plain data (text, numbers, lists, mappings) is allowed", node)
        if len(path) > MAX_DEPTH:
            self.fail(f"the YAML nests too deeply (more than {MAX_DEPTH} levels), or an alias refers to itself; "
                      f"refused", node)
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.fail("YAML merge keys ('<<') are not supported", key_node)
                if not isinstance(key_node, yaml.ScalarNode):
                    self.fail("mapping keys must be plain scalars", key_node)
                if key_node.tag not in _STANDARD_TAGS:
                    self.build(key_node, path + ("<key>",))  # refuses the tag
                # Keys are names: take them as written, so YAML 1.1 does not turn
                # `on:`, `no:` or `yes:` into booleans, nor `1.0:` into a number.
                key = key_node.value
                if key in out:
                    self.fail(f"duplicate key '{key}'", key_node)
                self.doc.lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, path + (key,))
                self.doc.lines[path + (key,)] = key_node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            self.doc.scalars[path] = node.value
        try:
            return self.scalars.construct_object(node, deep=True)
        except yaml.YAMLError as exc:  # pragma: no cover - bad timestamps and the like
            self.fail(f"invalid value: {getattr(exc, 'problem', exc)}", node)
