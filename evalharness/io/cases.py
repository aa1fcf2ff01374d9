"""Cases: a source article, optional references, and one candidate summary per system.

A case file is YAML holding one case (a mapping) or a list of cases. Summaries can
also come from a runs file (JSONL, one ``{"case_id", "summary"}`` per line) given
per system on the command line. Everything is validated here, before any model
loads, and every error names the file, line and field.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .safe_yaml import Document, load_yaml, read_text
from ..errors import CaseError, did_you_mean, type_name

CASE_KEYS = ("id", "source", "source_file", "references", "candidates", "expect", "meta")
EXPECT_KEYS = ("flags", "min", "max")
CASE_SUFFIXES = (".yaml", ".yml")  # compared case-insensitively: "x.YAML" is a case file too
RUNS_KEYS = ("case_id", "summary", "meta")
RUNS_LINE = 'a runs line is {"case_id": ..., "summary": ...}, optionally with "meta"'
RUNS_EXPECTED = f" ({RUNS_LINE})"
# keys other tools write for the same two things
RUNS_HINTS = {k: f" (the case id goes in 'case_id'; {RUNS_LINE})" for k in (
    "id", "case", "caseid", "example_id", "doc_id", "uid")}
RUNS_HINTS.update({k: f" (the summary goes in 'summary'; {RUNS_LINE})" for k in (
    "output", "outputs", "prediction", "pred", "generated", "generation", "text", "response", "completion",
    "candidate", "hypothesis")})


@dataclass(frozen=True)
class Expectation:
    """What the harness itself must find for one system of a case.

    ``flags``: phrases that must each fall inside an unsupported span; an empty
    tuple means nothing may be flagged. ``None`` means flags are not checked.
    ``min``/``max``: bounds on metrics, keyed ``<scorer>.<metric>``.
    """

    flags: tuple[str, ...] | None = None
    min: Mapping[str, float] = field(default_factory=dict)
    max: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    references: tuple[str, ...]
    candidates: Mapping[str, str]
    expect: Mapping[str, Expectation] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)
    file: str | None = None
    line: int | None = None

    @property
    def systems(self) -> tuple[str, ...]:
        return tuple(self.candidates)


def _nonempty_text(value: Any, doc: Document, path: tuple, field_name: str) -> str:
    if value is None:
        raise CaseError("must be text, got null", file=doc.file, line=doc.line(*path), field=field_name)
    if not isinstance(value, str):
        hint = " (put it in quotes if it is meant as text)" if isinstance(value, (bool, int, float)) else ""
        raise CaseError(f"must be text, got {type_name(value)}{hint}", file=doc.file, line=doc.line(*path),
                        field=field_name)
    if not value.strip():
        raise CaseError("must not be empty", file=doc.file, line=doc.line(*path), field=field_name)
    return value


def _check_keys(mapping: dict, allowed: Iterable[str], doc: Document, path: tuple, where: str) -> None:
    allowed = tuple(allowed)
    for key in mapping:
        if key not in allowed:
            raise CaseError(f"unknown key '{key}'{did_you_mean(key, allowed)}", file=doc.file,
                            line=doc.line(*path, key), field=f"{where}{key}")


def _parse_case(raw: Any, doc: Document, path: tuple, root: Path) -> Case:
    if not isinstance(raw, dict):
        where = f"item {path[0] + 1} of the list: " if path else ""
        raise CaseError(f"{where}a case must be a mapping, got {type_name(raw)}", file=doc.file,
                        line=doc.line(*path))
    _check_keys(raw, CASE_KEYS, doc, path, "")
    line = doc.line(*path)
    if "id" not in raw:
        raise CaseError("missing required field", file=doc.file, line=line, field="id")
    case_id = raw["id"]
    if isinstance(case_id, bool) or not isinstance(case_id, (str, int)):
        raise CaseError(f"must be text, got {type_name(case_id)}", file=doc.file, line=doc.line(*path, "id"),
                        field="id")
    if isinstance(case_id, int):
        # Ids are text: YAML 1.1 reads `010` as 8 and `0x1F` as 31; keep what was written.
        case_id = doc.scalar_text(*path, "id") or str(case_id)
    case_id = unicodedata.normalize("NFC", case_id.strip())
    if not case_id:
        raise CaseError("must not be empty", file=doc.file, line=doc.line(*path, "id"), field="id")

    if "source" not in raw and "source_file" not in raw:
        raise CaseError("missing required field (give the article as 'source' or 'source_file')", file=doc.file,
                        line=line, field="source")
    if "source" in raw and "source_file" in raw:
        raise CaseError("give 'source' or 'source_file', not both", file=doc.file,
                        line=doc.line(*path, "source_file"), field="source_file")
    if "source" in raw:
        source = _nonempty_text(raw["source"], doc, path + ("source",), "source")
    else:
        source = _read_source_file(raw["source_file"], doc, path + ("source_file",), root)

    refs_raw = raw.get("references", [])
    if refs_raw is None:
        refs_raw = []
    if isinstance(refs_raw, str):
        refs_raw = [refs_raw]
    if not isinstance(refs_raw, list):
        raise CaseError(f"must be a list of texts, got {type_name(refs_raw)}", file=doc.file,
                        line=doc.line(*path, "references"), field="references")
    references = tuple(_nonempty_text(r, doc, path + ("references", i), f"references[{i}]")
                       for i, r in enumerate(refs_raw))

    if "candidates" not in raw:
        candidates_raw: Any = {}
    else:
        candidates_raw = raw["candidates"]
    if candidates_raw is None:
        candidates_raw = {}
    if isinstance(candidates_raw, list):
        raise CaseError("must be a mapping of system name to summary, got a list "
                        "(write 'system-a: \"summary\"' instead of '- \"summary\"')", file=doc.file,
                        line=doc.line(*path, "candidates"), field="candidates")
    if not isinstance(candidates_raw, dict):
        raise CaseError(f"must be a mapping of system name to summary, got {type_name(candidates_raw)}",
                        file=doc.file, line=doc.line(*path, "candidates"), field="candidates")
    candidates = {str(name): _nonempty_text(text, doc, path + ("candidates", name), f"candidates.{name}")
                  for name, text in candidates_raw.items()}

    expect = _parse_expect(raw.get("expect"), doc, path, candidates)
    meta = raw.get("meta") or {}
    if not isinstance(meta, dict):
        raise CaseError(f"must be a mapping, got {type_name(meta)}", file=doc.file,
                        line=doc.line(*path, "meta"), field="meta")
    return Case(id=case_id, source=source, references=references, candidates=candidates, expect=expect,
                meta=meta, file=doc.file, line=line)


def _read_source_file(value: Any, doc: Document, path: tuple, root: Path) -> str:
    line = doc.line(*path)
    if not isinstance(value, str) or not value.strip():
        raise CaseError(f"must be a relative path, got {type_name(value)}", file=doc.file, line=line,
                        field="source_file")
    base = Path(doc.file).parent
    target = (base / value).resolve()
    shown_root = str(root)
    root = root.resolve()
    if Path(value).is_absolute() or (target != root and root not in target.parents):
        raise CaseError(f"'{value}' points outside the cases tree ({shown_root}); refused", file=doc.file,
                        line=line, field="source_file")
    if target.is_dir():
        raise CaseError(f"'{value}' is a directory, not a file", file=doc.file, line=line, field="source_file")
    if not target.exists():
        raise CaseError(f"'{value}' not found", file=doc.file, line=line, field="source_file")
    if not target.is_file():
        raise CaseError(f"'{value}' is not a regular file (a pipe or a device); refused", file=doc.file,
                        line=line, field="source_file")
    try:
        text = read_text(target, error_cls=CaseError, what="source file", regular_only=True)
    except CaseError as exc:  # name the case file and field; the source file is named by its value
        where = f" (line {exc.location.line})" if exc.location.line else ""
        raise CaseError(f"'{value}'{where} {exc.bare_message}", file=doc.file, line=line,
                        field="source_file") from None
    if not text.strip():
        raise CaseError(f"'{value}' is empty", file=doc.file, line=line, field="source_file")
    return text


def _parse_expect(raw: Any, doc: Document, path: tuple, candidates: Mapping[str, str]) -> dict[str, Expectation]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise CaseError(f"must be a mapping of system name to expectations, got {type_name(raw)}",
                        file=doc.file, line=doc.line(*path, "expect"), field="expect")
    out: dict[str, Expectation] = {}
    for system, spec in raw.items():
        where = path + ("expect", system)
        if system not in candidates and candidates:
            raise CaseError(f"names system '{system}', which has no candidate in this case"
                            f"{did_you_mean(system, candidates)}", file=doc.file, line=doc.line(*where),
                            field=f"expect.{system}")
        if not isinstance(spec, dict):
            raise CaseError(f"must be a mapping with 'flags', 'min' or 'max', got {type_name(spec)}",
                            file=doc.file, line=doc.line(*where), field=f"expect.{system}")
        _check_keys(spec, EXPECT_KEYS, doc, where, f"expect.{system}.")
        flags = None
        if "flags" in spec:
            flags_raw = spec["flags"]
            if flags_raw is None:
                flags_raw = []
            if not isinstance(flags_raw, list):
                raise CaseError(f"must be a list of phrases, got {type_name(flags_raw)}", file=doc.file,
                                line=doc.line(*where, "flags"), field=f"expect.{system}.flags")
            flags = tuple(_nonempty_text(f, doc, where + ("flags", i), f"expect.{system}.flags[{i}]")
                          for i, f in enumerate(flags_raw))
            for i, phrase in enumerate(flags):
                summary = candidates.get(system)
                if summary is not None and phrase not in summary:
                    raise CaseError(f"phrase '{phrase}' does not occur in the summary of '{system}'",
                                    file=doc.file, line=doc.line(*where, "flags", i),
                                    field=f"expect.{system}.flags[{i}]")
        bounds = {}
        for kind in ("min", "max"):
            b = spec.get(kind) or {}
            if not isinstance(b, dict):
                raise CaseError(f"must be a mapping of metric to number, got {type_name(b)}", file=doc.file,
                                line=doc.line(*where, kind), field=f"expect.{system}.{kind}")
            for metric, value in b.items():
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise CaseError(f"must be a number, got {type_name(value)}", file=doc.file,
                                    line=doc.line(*where, kind, metric), field=f"expect.{system}.{kind}.{metric}")
            bounds[kind] = {str(k): float(v) for k, v in b.items()}
        out[str(system)] = Expectation(flags=flags, min=bounds["min"], max=bounds["max"])
    return out


def iter_case_files(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """Expand paths into (case file, cases-tree root) pairs, in a stable order."""
    found: list[tuple[Path, Path]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found.extend((f, p) for f in _walk_cases(p))
        elif p.exists():
            found.append((p, p.parent))
        else:
            raise CaseError("no such file or directory", file=str(p))
    return found


def _walk_cases(root: Path) -> list[Path]:
    """Case files under ``root``, following symlinked folders (each real folder once, so
    a link loop ends), skipping hidden names; sorted by path."""
    import os
    files: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            f = Path(dirpath) / name
            if not name.startswith(".") and f.suffix.lower() in CASE_SUFFIXES and f.is_file():
                files.append(f)
    return sorted(files)


def load_cases(paths: Iterable[Path | str]) -> list[Case]:
    """Load and validate every case under ``paths`` (files or directories)."""
    files = iter_case_files(Path(p) for p in paths)
    if not files:
        raise CaseError("no case files (*.yaml, *.yml) found in " + ", ".join(str(p) for p in paths))
    cases: list[Case] = []
    seen: dict[str, Case] = {}
    for file, root in files:
        doc = load_yaml(file, error_cls=CaseError, regular_only=True)
        if doc.data is None:
            raise CaseError("file is empty; expected a case mapping or a list of cases", file=str(file), line=1)
        if not isinstance(doc.data, (list, dict)):
            raise CaseError(f"the top level must be a case mapping or a list of cases, got "
                            f"{type_name(doc.data)}", file=str(file), line=doc.line())
        single = isinstance(doc.data, dict)
        items = [doc.data] if single else doc.data
        if not items:
            raise CaseError("the list of cases is empty", file=str(file), line=doc.line())
        for i, raw in enumerate(items):
            path = () if single else (i,)
            case = _parse_case(raw, doc, path, root)
            if case.id in seen:
                other = seen[case.id]
                raise CaseError(f"duplicate case id '{case.id}' (first defined at {other.file}:{other.line})",
                                file=str(file), line=case.line, field="id")
            seen[case.id] = case
            cases.append(case)
    return cases


def load_runs(path: Path | str, system: str, cases: Iterable[Case]) -> dict[str, str]:
    """Read a runs JSONL file: one ``{"case_id": ..., "summary": ...}`` per line."""
    path = Path(path)
    text = read_text(path, error_cls=CaseError, what="runs file")
    known = {c.id for c in cases}
    out: dict[str, str] = {}
    first_line: dict[str, int] = {}
    # JSONL lines end at "\n" only: a summary may hold U+2028, U+0085 or a lone "\r"
    # (json.dumps keeps them as they are), which str.splitlines() would split on.
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            row = json.loads(line, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            raise CaseError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=str(path), line=lineno) from None
        except ValueError as exc:
            raise CaseError(f"invalid JSON: {exc}", file=str(path), line=lineno) from None
        if not isinstance(row, dict):
            raise CaseError(f"each line must be a JSON object, got {type_name(row)}", file=str(path), line=lineno)
        for key in row:
            if key not in RUNS_KEYS:
                hint = did_you_mean(key, RUNS_KEYS) or RUNS_HINTS.get(str(key).casefold(), "")
                raise CaseError(f"unknown key '{key}'{hint or RUNS_EXPECTED}", file=str(path), line=lineno,
                                field=key)
        for key in ("case_id", "summary"):
            if key not in row:
                raise CaseError("missing required field", file=str(path), line=lineno, field=key)
        case_id = row["case_id"]
        if not isinstance(case_id, (str, int)) or isinstance(case_id, bool):
            raise CaseError(f"must be text, got {type_name(case_id)}", file=str(path), line=lineno,
                            field="case_id")
        case_id = unicodedata.normalize("NFC", str(case_id))
        if case_id not in known:
            raise CaseError(f"unknown case id '{case_id}'{did_you_mean(case_id, sorted(known))}",
                            file=str(path), line=lineno, field="case_id")
        summary = row["summary"]
        if summary is None or not isinstance(summary, str):
            raise CaseError(f"must be text, got {type_name(summary)}", file=str(path), line=lineno,
                            field="summary")
        if not summary.strip():
            raise CaseError("must not be empty", file=str(path), line=lineno, field="summary")
        if case_id in out:
            raise CaseError(f"duplicate case id '{case_id}' for system '{system}' (first at line "
                            f"{first_line[case_id]})", file=str(path), line=lineno, field="case_id")
        out[case_id] = summary
        first_line[case_id] = lineno
    if not out:
        raise CaseError("runs file holds no summaries", file=str(path))
    return out


def _unique_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key '{key}'")
        out[key] = value
    return out


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def with_runs(cases: list[Case], runs: Mapping[str, Mapping[str, str]]) -> list[Case]:
    """Return cases with the summaries of ``runs`` (system -> case id -> summary) added or replacing."""
    out = []
    for case in cases:
        cands = dict(case.candidates)
        for system, by_case in runs.items():
            if case.id in by_case:
                cands[system] = by_case[case.id]
        out.append(Case(id=case.id, source=case.source, references=case.references, candidates=cands,
                        expect=case.expect, meta=case.meta, file=case.file, line=case.line))
    return out
