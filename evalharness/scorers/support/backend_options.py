"""Options of the stronger ``support`` backends (``nli``, ``llm``, ``ensemble``).

Each backend has its own nested section under ``scorers.support`` in the config:

    support:
      backend: nli
      nli: {model: MoritzLaurer/DeBERTa-v3-large-mnli-fever-anli-ling-wanli}

They are plain frozen dataclasses validated by ``config.build_dataclass`` (unknown
keys get a "did you mean"); nothing here imports torch or touches the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

#: roles a model's classes can be mapped to, in the two supported schemes
THREE_WAY = ("entailment", "neutral", "contradiction")
TWO_WAY = ("supported", "unsupported")
LABEL_ROLES = THREE_WAY + TWO_WAY


@dataclass(frozen=True)
class NliOptions:
    """A Hugging Face sequence-classification model (NLI or fact-checker)."""

    model: str | None = None                  # hub id or local folder
    # a known checker (template, labels, chunks and score as its own code does them), see backends/presets.py
    preset: str | None = None
    tokenizer: str | None = None              # hub id or folder; None = the model's (HHEM: its foundation's)
    labels: dict[str, int | str] | None = None  # role -> class index or label name; None = from the model config
    max_length: int | None = None             # tokens per (window, claim) pair; None = the model's limit
    window_overlap: float = 0.5               # share of a window's sentences repeated in the next one
    revision: str | None = None               # hub revision (commit, tag or branch)
    trust_remote_code: bool = False

    def validate(self):
        if self.preset is not None:
            from .backends.presets import PRESETS
            if self.preset not in PRESETS:
                return "preset", (f"unknown preset '{self.preset}' (did you mean '{closest(self.preset, PRESETS)}'?); "
                                  f"presets are {', '.join(PRESETS)}")
        if self.model is not None:
            from ..models import model_problem
            problem = model_problem(self.model)
            if problem:
                return "model", problem
        if self.labels is not None:
            if self.preset not in (None, "mnli"):
                return "labels", f"preset '{self.preset}' fixes the label mapping; remove 'labels'"
            problem = check_label_mapping(self.labels)
            if problem:
                return "labels", problem
        if self.tokenizer is not None:
            from ..models import model_problem
            problem = model_problem(self.tokenizer)
            if problem:
                return "tokenizer", problem
        if self.trust_remote_code and self.preset == "hhem-2.1-open":
            return "trust_remote_code", "preset 'hhem-2.1-open' runs HHEM's head in evalharness; no remote code runs"
        if self.max_length is not None and self.max_length < 16:
            return "max_length", f"must be at least 16, got {self.max_length}"
        if not 0.0 <= self.window_overlap < 1.0:
            return "window_overlap", f"must be at least 0 and below 1, got {self.window_overlap:g}"
        return None


def closest(word: str, names) -> str:
    """The name most like ``word``: a name it begins or ends (``hhem`` -> ``hhem-2.1-open``),
    else the most similar spelling; always one, so a typo always gets a suggestion."""
    import difflib
    w = word.strip().lower()
    hits = [n for n in names if w and (n.startswith(w) or w in n.split("-"))]
    if hits:
        return min(hits, key=len)
    return max(names, key=lambda n: (difflib.SequenceMatcher(None, w, n).ratio(), -len(n)))


def check_label_mapping(labels: dict) -> str | None:
    """Why a configured label mapping is unusable, or None."""
    for role, target in labels.items():
        if role not in LABEL_ROLES:
            from ...errors import did_you_mean
            return f"unknown role '{role}'{did_you_mean(role, LABEL_ROLES)}; roles are {', '.join(LABEL_ROLES)}"
        if isinstance(target, bool) or not isinstance(target, (int, str)) or (isinstance(target, int) and target < 0):
            return f"'{role}' must map to a class index (0, 1, ...) or a label name of the model, got {target!r}"
    roles = set(labels)
    if roles & set(THREE_WAY) and roles & set(TWO_WAY):
        return "mix of schemes: use entailment/neutral/contradiction, or supported/unsupported"
    if roles & set(TWO_WAY) and roles != set(TWO_WAY):
        return "the two-way scheme needs both 'supported' and 'unsupported'"
    if roles & set(THREE_WAY) and "entailment" not in roles:
        return "the three-way scheme needs 'entailment'"
    if len(set(map(str, labels.values()))) != len(labels):
        return "two roles map to the same class"
    return None


PROMPT_VERSION = "claims-json-v3"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class LlmOptions:
    """An OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, LM Studio, llama.cpp)."""

    base_url: str | None = None       # e.g. http://127.0.0.1:8080/v1
    model: str | None = None
    mode: Literal["json", "yes-no"] = "json"  # json: one request per summary; yes-no: one per claim and chunk
    chunk_words: int = 500            # yes-no mode: source chunk size in words (sentences kept whole)
    api_key_env: str | None = None    # NAME of the environment variable holding the key (never the key)
    temperature: float = 0.0
    samples: int = 1                  # odd; >1 = majority vote, agreement reported
    max_tokens: int = 1024
    timeout_s: float = 120.0          # per request, whole reply
    retries: int = 3                  # extra attempts on 429, 5xx, timeouts, dropped connections, bad replies
    backoff_s: float = 1.0            # first retry delay; doubles each time (Retry-After is honoured)
    concurrency: int = 4              # requests in flight at once
    structured_output: Literal["auto", "json_schema", "json_object", "off"] = "auto"
    instructions_in: Literal["system", "user"] = "system"  # "user" for chat formats without a system role (Gemma)
    cache: bool = True
    cache_dir: str | None = None      # None = the score cache folder (run.cache_dir's default) + /llm

    def validate(self):
        if self.base_url is not None and not re.match(r"^https?://[^\s/]+", self.base_url):
            return "base_url", f"must start with http:// or https:// and name a host, got '{self.base_url}'"
        if self.model is not None and not self.model.strip():
            return "model", "must not be empty"
        if self.api_key_env is not None:
            if self.api_key_env.startswith(("sk-", "Bearer ")) or not _ENV_NAME.match(self.api_key_env):
                return "api_key_env", ("must be the NAME of an environment variable that holds the key "
                                       "(e.g. OPENAI_API_KEY), never the key itself")
        if not 0.0 <= self.temperature <= 2.0:
            return "temperature", f"must be between 0 and 2, got {self.temperature:g}"
        if self.samples < 1 or self.samples % 2 == 0:
            return "samples", f"must be an odd number (1, 3, 5, ...) so that a majority exists, got {self.samples}"
        if self.max_tokens < 16:
            return "max_tokens", "must be at least 16"
        if self.timeout_s <= 0:
            return "timeout_s", "must be above 0"
        if self.retries < 0:
            return "retries", "must not be negative"
        if self.backoff_s < 0:
            return "backoff_s", "must not be negative"
        if self.concurrency < 1:
            return "concurrency", "must be at least 1"
        if self.chunk_words < 16:
            return "chunk_words", "must be at least 16"
        if self.mode == "yes-no" and self.structured_output not in ("auto", "off"):
            return "structured_output", ("yes-no mode constrains the answer with a grammar where the server has "
                                         "one: use auto or off")
        return None


MEMBERS = ("embedding", "nli", "llm")


@dataclass(frozen=True)
class EnsembleOptions:
    """Several backends on the same claims; each member is configured in its own section."""

    members: tuple[str, ...] = ()
    combine: Literal["all", "mean"] = "all"   # all: supported only if every member says so; mean: mean score

    def validate(self):
        for m in self.members:
            if m not in MEMBERS:
                from ...errors import did_you_mean
                return "members", f"unknown backend '{m}'{did_you_mean(m, MEMBERS)}; members are {', '.join(MEMBERS)}"
        if len(set(self.members)) != len(self.members):
            return "members", "a backend is listed twice"
        return None


@dataclass(frozen=True)
class CascadeOptions:
    """A second look: the screen (the default detector) scores every claim; the claims it
    flags, and those whose score falls in ``band``, go to the judge, whose verdict is final."""

    screen: Literal["embedding"] = "embedding"
    judge: Literal["nli", "llm"] | None = None   # configured in its own section (support.nli / support.llm)
    band: tuple[float, ...] = (0.3, 0.6)         # [low, high]: screen scores the screen is unsure of

    def validate(self):
        if len(self.band) != 2:
            return "band", f"must be two numbers [low, high], got {len(self.band)}"
        low, high = self.band
        if not 0.0 <= low <= high <= 1.0:
            return "band", f"must satisfy 0 <= low <= high <= 1, got [{low:g}, {high:g}]"
        return None
