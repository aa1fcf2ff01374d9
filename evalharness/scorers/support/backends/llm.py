"""The ``llm`` backend: an OpenAI-compatible chat-completions endpoint judges the
claims of each summary in one request.

The model must answer with JSON: per claim a verdict, an evidence quote copied
from the source and the offending words copied from the claim. Every entry is
checked (types, known verdict, the quote found in the source, the words found in
the claim). A reply that fails a check is sent back once per retry with the
problems listed; a claim still without a valid verdict gets verdict "error" and
its summary fails (exit 3). Nothing without a valid verdict counts as supported.

Transport: stdlib ``http.client`` with a whole-reply deadline, retries with
exponential backoff on 429, 5xx, timeouts and dropped connections, a thread pool
as the concurrency limit. The API key is read from the environment variable the
config names and only ever put in the Authorization header: it is not in the
signature, the cache key, the cache, the report or any message.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Sequence

from ....errors import ScorerError
from ....core.results import Claim, ScoreItem, Span, Verdict
from ...text import split_claims
from ..backend_options import PROMPT_VERSION
from ..types import ItemError, Judged
from .transport import RETRY_STATUS, ItemFailed, TransportError, post_json

#: the verdicts a judge may reply with ("error" is ours, for a claim it gave none for)
VERDICTS = (Verdict.SUPPORTED, Verdict.UNSUPPORTED, Verdict.CONTRADICTED)
MODES = ("json_schema", "json_object", "off")
YES_NO_MODES = ("grammar", "off")  # yes-no mode: a GBNF grammar (llama.cpp) / guided_choice (vLLM), else none

SCHEMA = {
    "type": "object",
    "properties": {"claims": {"type": "array", "items": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "verdict": {"type": "string", "enum": list(VERDICTS)},
                       "evidence": {"type": "string"}, "offending": {"type": "string"}},
        "required": ["id", "verdict", "evidence", "offending"], "additionalProperties": False}}},
    "required": ["claims"], "additionalProperties": False,
}

SYSTEM_PROMPT = """You check whether each claim of a summary is supported by a source text. Use only the source, no \
outside knowledge. For each claim decide:
- supported: the source states it or directly implies it;
- contradicted: the source states something incompatible with it;
- unsupported: the source does not say it (added details, opinions, wrong names or numbers not in the source).
Reply with one JSON object and nothing else. It has a list "claims" with one entry per claim, in order; each \
entry has "id" (the claim's number), "verdict" (supported, unsupported or contradicted), "evidence" (a passage \
copied character for character from the source, or "") and "offending" (words copied exactly from the claim that \
the source does not support, or ""). A supported claim needs evidence. Shape, for two claims:
{"claims": [{"id": 1, "verdict": "...", "evidence": "...", "offending": "..."}, {"id": 2, "verdict": "...", \
"evidence": "...", "offending": "..."}]}"""


def user_prompt(source: str, claims: Sequence[Span]) -> str:
    listed = "\n".join(f"{i}. {c.text}" for i, c in enumerate(claims, 1))
    return (f"SOURCE:\n<<<\n{source}\n>>>\n\nCLAIMS:\n{listed}\n\n"
            f"Return the JSON object with entries for claims 1 to {len(claims)}.")


def build_messages(source: str, claims: Sequence[Span], instructions_in: str = "system") -> list[dict]:
    if instructions_in == "user":  # chat formats without a system role (Gemma) would drop it
        return [{"role": "user", "content": SYSTEM_PROMPT + "\n\n" + user_prompt(source, claims)}]
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user_prompt(source, claims)}]


def schema_for(n_claims: int | None) -> dict:
    """SCHEMA narrowed to one request: claim ids limited to 1..n and exactly n entries,
    so a grammar-constrained server cannot invent claim numbers (a real small model did)."""
    if not n_claims:
        return SCHEMA
    item = dict(SCHEMA["properties"]["claims"]["items"])
    item["properties"] = {**item["properties"], "id": {"type": "integer", "enum": list(range(1, n_claims + 1))}}
    claims = {"type": "array", "items": item, "minItems": n_claims, "maxItems": n_claims}
    return {**SCHEMA, "properties": {"claims": claims}}


def response_format(mode: str, n_claims: int | None = None) -> dict | None:
    schema = schema_for(n_claims)
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "claim_verdicts", "strict": True, "schema": schema}}
    if mode == "json_object":
        return {"type": "json_object", "schema": schema}
    return None


# -- checking a reply ----------------------------------------------------------
@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    evidence: Span | None
    spans: tuple[Span, ...]
    note: str = ""


@dataclass
class Checked:
    """What one reply gave: a valid judgement or a problem per claim, and how it drifted."""

    judged: dict[int, Judgement] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)
    reply_problem: str | None = None   # the reply as a whole is unusable
    drift: list[str] = field(default_factory=list)  # accepted oddities (prose around the JSON, ...)


def find_text(haystack: str, needle: str, offset: int = 0) -> Span | None:
    """Where ``needle`` occurs in ``haystack``: exactly, else ignoring case and runs of whitespace."""
    needle = needle.strip()
    if not needle:
        return None
    i = haystack.find(needle)
    if i < 0:
        words = needle.split()
        pattern = r"\s+".join(re.escape(w) for w in words)
        m = re.search(pattern, haystack, flags=re.IGNORECASE)
        if not m:
            return None
        i, j = m.start(), m.end()
    else:
        j = i + len(needle)
    return Span(haystack[i:j], i + offset, j + offset)


def _echoes_prompt(text: str) -> bool:
    return ("SOURCE:" in text and "CLAIMS:" in text) or "You check whether each claim" in text


def extract_json(content: str) -> tuple[object | None, list[str], str | None]:
    """(value, drift notes, problem). The whole reply should be one JSON value; a
    fenced block or prose around a single object is accepted and noted."""
    text = content.strip()
    if not text:
        return None, [], "empty reply"
    try:
        return json.loads(text), [], None
    except json.JSONDecodeError:
        pass
    fence = re.fullmatch(r"```(?:json|JSON)?\s*(.*?)\s*```", text, flags=re.S)
    if fence:
        try:
            return json.loads(fence.group(1)), ["JSON inside a code fence"], None
        except json.JSONDecodeError as exc:
            return None, [], f"malformed JSON inside a code fence ({exc.msg})"
    start = text.find("{")
    if start >= 0:
        try:
            value, end = json.JSONDecoder().raw_decode(text, start)
            return value, ["prose around the JSON"], None
        except json.JSONDecodeError as exc:
            if _echoes_prompt(text):
                return None, [], "the reply echoes the prompt instead of answering"
            return None, [], f"malformed JSON ({exc.msg} at char {exc.pos})"
    if _echoes_prompt(text):
        return None, [], "the reply echoes the prompt instead of answering"
    return None, [], "no JSON object in the reply"


def check_reply(content, finish_reason, source: str, summary: str, claims: Sequence[Span]) -> Checked:
    out = Checked()
    if not isinstance(content, str):
        out.reply_problem = "the reply has no text content"
        return out
    value, drift, problem = extract_json(content)
    out.drift.extend(drift)
    if problem:
        if finish_reason == "length":
            problem = f"the reply was cut off at max_tokens ({problem})"
        out.reply_problem = problem
        return out
    if isinstance(value, list):
        out.reply_problem = "the reply is a JSON list, not an object with a 'claims' list"
        return out
    if not isinstance(value, dict) or not isinstance(value.get("claims"), list):
        out.reply_problem = "the reply is not a JSON object with a 'claims' list"
        return out
    seen: set[int] = set()
    for k, entry in enumerate(value["claims"]):
        if not isinstance(entry, dict):
            out.drift.append(f"entry {k + 1} is not an object")
            continue
        cid = entry.get("id")
        if isinstance(cid, str) and cid.strip().isdigit():
            cid = int(cid.strip())
            out.drift.append("claim id given as text")
        if isinstance(cid, bool) or not isinstance(cid, int) or not 1 <= cid <= len(claims):
            out.drift.append(f"entry {k + 1} has no valid claim id ({cid!r})")
            continue
        if cid in seen:
            out.problems[cid] = "two entries for this claim"
            out.judged.pop(cid, None)
            continue
        seen.add(cid)
        res = check_entry(entry, source, summary, claims[cid - 1])
        if isinstance(res, Judgement):
            out.judged[cid] = res
        else:
            out.problems[cid] = res
    for cid in range(1, len(claims) + 1):
        if cid not in out.judged and cid not in out.problems:
            out.problems[cid] = "no entry for this claim"
    return out


def check_entry(entry: dict, source: str, summary: str, claim: Span) -> Judgement | str:
    verdict = entry.get("verdict")
    if not isinstance(verdict, str):
        return f"verdict must be text, got {type(verdict).__name__}"
    v = verdict.strip().lower()
    if v not in VERDICTS:
        return f"verdict '{verdict[:40]}' is not one of {', '.join(VERDICTS)}"
    quote = entry.get("evidence")
    if quote is not None and not isinstance(quote, str):
        return f"evidence must be text, got {type(quote).__name__}"
    words = entry.get("offending")
    if words is not None and not isinstance(words, str):
        return f"offending must be text, got {type(words).__name__}"
    evidence = find_text(source, quote) if quote else None
    note = ""
    if v == Verdict.SUPPORTED:
        if not quote or not quote.strip():
            return "a supported claim needs an evidence quote"
        if evidence is None:
            return f"the evidence quote '{quote[:60]}' is not in the source"
        return Judgement(Verdict.SUPPORTED, evidence, ())
    if quote and quote.strip() and evidence is None:
        note = "the evidence quote is not in the source (no evidence)"
    if words and words.strip():
        span = find_text(claim.text, words, claim.start)
        if span is None:
            return f"the offending words '{words[:60]}' are not in the claim"
        spans = (Span(summary[span.start:span.end], span.start, span.end),)
    else:
        spans = (claim,)
    return Judgement(Verdict(v), evidence, spans, note)


def feedback(checked: Checked) -> str:
    if checked.reply_problem:
        issues = [checked.reply_problem]
    else:
        issues = [f"claim {cid}: {p}" for cid, p in sorted(checked.problems.items())]
    return ("Your reply could not be used: " + "; ".join(issues) + ". Reply again with only the JSON object, "
            "one entry per claim, quotes copied exactly.")


def public_endpoint(url: str) -> str:
    """scheme://host[:port]/path of an endpoint, without credentials or query."""
    u = urllib.parse.urlsplit(url)
    host = u.hostname or ""
    return f"{u.scheme}://{host}{f':{u.port}' if u.port else ''}{u.path}"




@dataclass
class SampleResult:
    judged: dict[int, Judgement]
    problems: dict[int, str]
    notes: list[str]
    cached: bool = False


class LlmBackend:
    name = "llm"

    def __init__(self, options, cache=None) -> None:
        from ..claims import resolved
        self.options = options = resolved(options, self.name)
        o = options.llm
        self.o = o
        self.url = o.base_url.rstrip("/") + "/chat/completions"
        self._key = None
        self._key_read = False
        self._modes = YES_NO_MODES if o.mode == "yes-no" else MODES
        self._mode = o.structured_output if o.structured_output != "auto" else self._modes[0]
        self._logprobs = o.mode == "yes-no"   # asked for in yes-no mode until the server refuses them
        self._lock = threading.Lock()
        self._dead: str | None = None
        # the run's cache policy; ``llm.cache: false`` switches this cache off, ``llm.cache_dir`` moves it
        self._policy = cache.narrowed(enabled=o.cache, folder=o.cache_dir) if cache is not None else None
        self._store = None
        self.mode_notes: list[str] = []

    @property
    def can_contradict(self) -> bool:
        return self.o.mode != "yes-no"  # a Yes/No answer cannot tell contradicted from unsupported

    def signature_parts(self) -> dict[str, object]:
        m = self.o
        if m.mode == "yes-no":
            from .yesno import PROMPT_VERSION as YES_NO_PROMPT
            return {"llm": m.model, "endpoint": public_endpoint(m.base_url), "mode": "yes-no", "prompt": YES_NO_PROMPT,
                    "temp": f"{m.temperature:g}", "samples": m.samples, "chunk": f"{m.chunk_words}w",
                    "structured": m.structured_output,
                    **({"instructions": "user"} if m.instructions_in == "user" else {})}
        return {"llm": m.model, "endpoint": public_endpoint(m.base_url), "prompt": PROMPT_VERSION,
                "temp": f"{m.temperature:g}", "samples": m.samples, "maxtok": m.max_tokens,
                "structured": m.structured_output, **({"instructions": "user"} if m.instructions_in == "user" else {})}

    def close(self) -> None:
        pass

    def _read_key(self) -> None:
        """The API key, read from the environment on first use (never stored elsewhere)."""
        if self._key_read:
            return
        o = self.o
        if o.api_key_env:
            key = os.environ.get(o.api_key_env)
            if not key:
                raise ScorerError(f"backend 'llm': the environment variable {o.api_key_env} (api_key_env) is not set")
            self._key = key
        self._key_read = True

    @property
    def where(self) -> str:
        return f"backend 'llm' (model '{self.o.model}' at {self.o.base_url})"

    def _scrub(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text

    # -- one HTTP exchange, with retries on transport errors and 429/5xx --------
    def _complete(self, messages: list[dict], sample: int, budget: list[int], n_claims: int | None = None,
                  yes_no: bool = False) -> tuple[str | None, str | None, dict | None]:
        """(content, finish_reason, logprobs) of one reply."""
        o = self.o
        delay = o.backoff_s
        last, transport = "no attempt made", False
        while True:
            with self._lock:
                if self._dead:
                    raise ItemFailed(f"not attempted: an earlier request failed ({self._dead})")
                mode = self._mode
                logprobs = self._logprobs
            if budget[0] <= 0:
                raise ItemFailed(last)
            budget[0] -= 1
            payload = {"model": o.model, "messages": messages, "temperature": o.temperature,
                       "max_tokens": o.max_tokens, "stream": False}
            if o.temperature > 0:
                payload["seed"] = sample
            if yes_no:
                from .yesno import request_fields
                fmt = request_fields(mode, logprobs)
                payload.update(fmt)
                fmt = fmt if mode != "off" else None
            else:
                fmt = response_format(mode, n_claims)
                if fmt:
                    payload["response_format"] = fmt
            headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
            wait = delay
            try:
                reply = post_json(self.url, payload, headers, o.timeout_s)
            except TransportError as exc:
                last, transport = str(exc), True
            else:
                transport = False
                if reply.status == 200:
                    try:
                        data = json.loads(reply.body.decode("utf-8"))
                        choice = data["choices"][0]
                        return choice["message"].get("content"), choice.get("finish_reason"), choice.get("logprobs")
                    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
                        last = f"malformed chat-completions body: {self._scrub(reply.body[:120].decode('utf-8', 'replace'))!r}"
                elif (logprobs and reply.status in (400, 422, 501)
                      and re.search(rb"logprobs", reply.body, re.I)):
                    budget[0] += 1  # the server refused logprobs: read the answer text instead
                    with self._lock:
                        if self._logprobs:
                            self._logprobs = False
                            self.mode_notes.append(f"server refused logprobs (HTTP {reply.status}); reading the "
                                                   "answer text")
                    continue
                elif (fmt and reply.status in (400, 404, 415, 422, 500, 501) and o.structured_output == "auto"
                      and re.search(rb"response_format|json_schema|schema|grammar|guided", reply.body, re.I)):
                    budget[0] += 1  # the server refused structured output: step down, no attempt spent
                    with self._lock:
                        if self._mode == mode:
                            self._mode = self._modes[self._modes.index(mode) + 1]
                            self.mode_notes.append(f"server refused response_format {mode} (HTTP {reply.status}); "
                                                   f"using {self._mode}")
                    continue
                elif reply.status in RETRY_STATUS:
                    last = f"HTTP {reply.status}"
                    ra = reply.headers.get("retry-after", "")
                    if ra.strip().replace(".", "", 1).isdigit():
                        wait = min(max(float(ra), delay), 60.0)
                else:
                    body = self._scrub(reply.body[:200].decode("utf-8", "replace")).strip()
                    raise ItemFailed(f"HTTP {reply.status} from the endpoint: {body}", )
            if budget[0] <= 0:
                if transport:  # the endpoint is unreachable or hung: fail the remaining items fast
                    with self._lock:
                        self._dead = self._dead or f"{last} after {o.retries + 1} attempts"
                raise ItemFailed(f"{last} after {o.retries + 1} attempts")
            time.sleep(wait * (1 + 0.1 * random.random()))
            delay *= 2

    # -- one sample of one summary, with repair turns for bad replies ---------
    def _sample(self, item: ScoreItem, claims: Sequence[Span], sample: int) -> SampleResult:
        key = self._cache_key(item, claims, sample)
        hit = self._cache_get(key, item, claims)
        if hit is not None:
            return hit
        messages = build_messages(item.source, claims, self.o.instructions_in)
        first_turn = len(messages)
        budget = [self.o.retries + 1]
        best: dict[int, Judgement] = {}
        problems: dict[int, str] = {}
        notes: list[str] = []
        while True:
            content, finish, _ = self._complete(messages, sample, budget, len(claims))
            checked = check_reply(content, finish, item.source, item.summary, claims)
            notes.extend(checked.drift)
            for cid, j in checked.judged.items():
                best.setdefault(cid, j)
            if checked.reply_problem:
                problems = {cid: checked.reply_problem for cid in range(1, len(claims) + 1) if cid not in best}
            else:
                problems = {cid: p for cid, p in checked.problems.items() if cid not in best}
            if not problems:
                break
            began = " ".join((content or "").split())[:100]
            notes.append("rejected reply: " + (checked.reply_problem or "; ".join(
                f"claim {c}: {p}" for c, p in sorted(checked.problems.items()))) + f" (reply began: {began!r})")
            if budget[0] <= 0:
                break
            messages = messages[:first_turn] + [{"role": "assistant", "content": (content or "")[:4000]},
                                       {"role": "user", "content": feedback(checked)}]
        result = SampleResult(best, problems, notes)
        if not problems:
            self._cache_put(key, result)
        return result

    # -- cache ----------------------------------------------------------------
    def _cache_key(self, item: ScoreItem, claims: Sequence[Span], sample: int) -> str:
        o = self.o
        parts = [PROMPT_VERSION, o.base_url, o.model, o.temperature, o.max_tokens, sample if o.temperature > 0 else 0,
                 item.source, item.summary, [(c.start, c.end) for c in claims]]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()

    def _cache(self):
        with self._lock:
            if self._store is None and self._policy is not None:
                self._store = self._policy.try_open("llm") or False
            return self._store or None

    def _cache_get(self, key: str, item: ScoreItem, claims: Sequence[Span]) -> SampleResult | None:
        store = self._cache()
        if store is None:
            return None
        entry = store.get([key]).get(key)
        if entry is None:
            return None
        try:
            data = json.loads(entry[0].decode("utf-8"))
            judged = {}
            for cid, j in data["judged"].items():
                ev = j["evidence"]
                if j["verdict"] not in VERDICTS:
                    raise ValueError("not a verdict")
                judged[int(cid)] = Judgement(
                    j["verdict"], Span(item.source[ev[0]:ev[1]], ev[0], ev[1]) if ev else None,
                    tuple(Span(item.summary[a:b], a, b) for a, b in j["spans"]), j.get("note", ""))
            if set(judged) != set(range(1, len(claims) + 1)):
                raise ValueError("not one verdict per claim")
            return SampleResult(judged, {}, [], cached=True)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            store.reject([key])  # dropped and asked again
            return None

    def _cache_put(self, key: str, result: SampleResult) -> None:
        store = self._cache()
        if store is None:
            return
        data = {"prompt": PROMPT_VERSION, "judged": {
            str(cid): {"verdict": j.verdict, "evidence": [j.evidence.start, j.evidence.end] if j.evidence else None,
                       "spans": [[s.start, s.end] for s in j.spans], "note": j.note}
            for cid, j in result.judged.items()}}
        store.put([(key, self.o.model, json.dumps(data).encode("utf-8"), "")])  # a failed write only costs time

    # -- the batch --------------------------------------------------------------
    def judge(self, items: Sequence[ScoreItem]) -> list[Judged | ItemError]:
        return self.judge_claims(items, [split_claims(item.summary) for item in items])

    def judge_claims(self, items: Sequence[ScoreItem], claims_of: Sequence[Sequence[Span]]) -> list[Judged | ItemError]:
        """``judge`` on given claims (spans of each item's summary), e.g. the ones a cascade sends."""
        self._read_key()
        claims_of = [list(c) for c in claims_of]
        if self.o.mode == "yes-no":
            from .yesno import judge_yes_no
            return judge_yes_no(self, items, claims_of)
        n = self.o.samples
        tasks = [(k, s) for k, cl in enumerate(claims_of) if cl for s in range(n)]
        results: dict[tuple[int, int], SampleResult | ItemFailed] = {}

        def run(task):
            k, s = task
            try:
                return task, self._sample(items[k], claims_of[k], s)
            except ItemFailed as exc:
                return task, exc

        if tasks:
            with ThreadPoolExecutor(max_workers=min(self.o.concurrency, len(tasks))) as pool:
                for task, res in pool.map(run, tasks):
                    results[task] = res
        out = []
        for k, (item, claims) in enumerate(zip(items, claims_of)):
            if not claims:
                out.append(Judged(claims=(), contradiction=True))
                continue
            samples = [results[(k, s)] for s in range(n)]
            failed = [r for r in samples if isinstance(r, ItemFailed)]
            if failed:
                out.append(ItemError(f"{self.where}: {failed[0]}", case_id=item.case_id))
                continue
            out.append(self._vote(item, claims, samples))
        return out

    def _vote(self, item: ScoreItem, claims: Sequence[Span], samples: list[SampleResult]):
        n = len(samples)
        judged_claims = []
        unanimous = 0
        for cid, span in enumerate(claims, 1):
            votes = [s.judged[cid].verdict if cid in s.judged else Verdict.ERROR for s in samples]
            top = max(VERDICTS + (Verdict.ERROR,), key=lambda v: (votes.count(v), v != Verdict.ERROR))
            if votes.count(top) * 2 <= n or top == Verdict.ERROR:
                top = Verdict.ERROR
            if len(set(votes)) == 1 and votes[0] != Verdict.ERROR:
                unanimous += 1
            support = votes.count(Verdict.SUPPORTED) / n
            if top == Verdict.ERROR:
                why = [s.problems.get(cid, "") for s in samples if cid not in s.judged]
                judged_claims.append(Claim(
                    text=span.text, start=span.start, end=span.end, supported=False, score=0.0, evidence=None,
                    unsupported_spans=(span,), verdict=Verdict.ERROR,
                    reasons=(tuple(f"llm: no valid verdict: {w}" for w in dict.fromkeys(why) if w)
                             + ((f"llm: sample verdicts: {', '.join(votes)}",) if n > 1 else ()))
                    if any(why) else (f"llm: no majority among {n} samples ({', '.join(votes)})",)))
                continue
            j = next(s.judged[cid] for s in samples if cid in s.judged and s.judged[cid].verdict == top)
            supported = top == Verdict.SUPPORTED
            reasons: tuple[str, ...] = ()
            if n > 1:
                reasons = (f"llm: {votes.count(top)} of {n} samples say {top} ({', '.join(votes)})",)
            if not supported:
                reasons = (f"llm: {top}",) + reasons + ((f"llm: {j.note}",) if j.note else ())
            judged_claims.append(Claim(text=span.text, start=span.start, end=span.end, supported=supported,
                                       score=round(support, 6), evidence=j.evidence,
                                       unsupported_spans=() if supported else j.spans, verdict=top,
                                       reasons=reasons))
        notes = []
        rejected = [x for s in samples for x in s.notes]
        if rejected:
            notes.append(f"llm: {len(rejected)} reply problem(s) seen: " + " | ".join(dict.fromkeys(rejected)))
        with self._lock:
            notes.extend(f"llm: {m}" for m in self.mode_notes)
        return Judged(claims=tuple(judged_claims), notes=tuple(notes),
                      agreement=unanimous / len(claims) if n > 1 else None, contradiction=True)
