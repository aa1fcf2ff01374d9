"""One exception hierarchy for the whole harness.

Every error a user can cause is an :class:`InputError` (exit code 2); every
failure of a scorer or backend while it runs is a :class:`ScorerError` (exit 3).
The CLI turns these into one line on stderr and an exit code, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_USAGE = 2
EXIT_SCORER_FAILED = 3


class EvalHarnessError(Exception):
    """Base class of every error the harness raises on purpose."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Location:
    """Where in the user's input something went wrong."""

    file: str | None = None
    line: int | None = None
    field: str | None = None

    def prefix(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts)


class InputError(EvalHarnessError):
    """Bad input or usage: a case file, a runs file, a config, a flag. Exit 2."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.location = Location(str(file) if file is not None else None, line, field)
        self.bare_message = message
        prefix = self.location.prefix()
        super().__init__(f"{prefix}: {message}" if prefix else message)


class CaseError(InputError):
    """A case file (YAML) or a runs file (JSONL) is malformed."""


class ConfigError(InputError):
    """A config file or a scorer option is malformed."""


class ScorerError(EvalHarnessError):
    """A scorer or backend failed while running. Exit 3."""

    exit_code = EXIT_SCORER_FAILED

    def __init__(self, message: str, *, scorer: str | None = None, case_id: str | None = None) -> None:
        self.scorer = scorer
        self.case_id = case_id
        where = []
        if scorer:
            where.append(f"scorer '{scorer}'")
        if case_id:
            where.append(f"case '{case_id}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


_TYPE_NAMES = {type(None): "null", bool: "a boolean", str: "text", int: "a number", float: "a number",
               list: "a list", dict: "a mapping"}


def type_name(value) -> str:
    """What a value from a YAML or JSON file is, for "must be X, got <type_name>" (one wording
    for every file the harness reads: config, cases, runs, reports, labelled rows)."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def did_you_mean(word: str, choices) -> str:
    """Return ' (did you mean 'x'?)' for the closest choice, or ''."""
    import difflib

    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


_UNSAFE_CHARS = None


def one_line(text: str) -> str:
    """Make a message safe to print as one terminal line: line breaks, control
    characters (terminal escape sequences) and bidirectional overrides are shown
    as escapes (``\\n``, ``\\x1b``, ``\\u202e``) instead of acting on the terminal."""
    global _UNSAFE_CHARS
    if _UNSAFE_CHARS is None:
        import re
        _UNSAFE_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
    return _UNSAFE_CHARS.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def terminal_safe(text: str) -> str:
    """:func:`one_line` for multi-line output: keeps line breaks, escapes every other control."""
    return "\n".join(one_line(line) for line in text.split("\n"))
