"""Edit-sensitivity set for the ``support`` detector (a benchmark, not a test).

From the sources of ../shared/bench/dev/*.jsonl it takes faithful sentences (copied
from the source, so fully supported) and makes minimally edited versions of them:

  entity_swap     a name replaced by another name from the same article
  number_change   a number replaced by a different one
  date_change     a month, weekday or year replaced by another
  negation        "not" added after an auxiliary verb ("was" -> "was not")
  antonym         a word replaced by its opposite ("rose" -> "fell")
  role_reversal   two names swapped with each other ("A beat B" -> "B beat A")
  insertion       an unsupported word or phrase slipped in ("the world powers' talks")
  number_swap     two numbers of one sentence swapped (a figure given to the wrong thing)
  quantifier      a partial quantifier made universal ("some" / "a third of" -> "all")
  modality        a planned or possible event stated as done ("will open" -> "opened")
  exclusion       an exclusion reported as an inclusion ("not including" / "excluding" -> "including")
  day_change      the day of a full date changed ("12 September" -> "19 September")
  certainty       a possible or expected event made certain ("may recover" / "is expected to" -> "will")
  reversal        a verb replaced by its reversal without "not" ("declined" -> "agreed", "won" -> "lost")
  paraphrase      CONTROL: meaning kept (synonyms, dropped filler adverbs)

Each (faithful, edited) pair is scored by the detector with the whole article as
the source. An edit is caught when the edited sentence's ``support.score`` is below
the faithful one's; a paraphrase is fine when its score is within --margin of the
faithful one's. Nothing is written into the repo; the pairs are generated at run
time, deterministically (seeded).

    python benchmarks/edit_sensitivity.py [--per-kind 90] [--margin 0.1] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "bench" / "dev"

KINDS = ("entity_swap", "number_change", "date_change", "negation", "antonym", "role_reversal", "insertion",
         "number_swap", "quantifier", "modality", "exclusion", "day_change", "certainty", "reversal")
HEDGED_VERB = re.compile(r"\b(?:may|might|could|is expected to|are expected to|is likely to|are likely to|"
                         r"plans? to|hopes? to|aims? to)\s+(?=(?:be\s+)?[a-z]{3,}\b)")
REVERSALS = {
    "declined": "agreed", "agreed": "declined", "refused": "agreed", "rejected": "accepted", "accepted": "rejected",
    "won": "lost", "lost": "won", "rose": "fell", "fell": "rose", "denied": "confirmed", "confirmed": "denied",
    "approved": "rejected", "passed": "failed", "failed": "passed", "increased": "decreased",
    "decreased": "increased", "gained": "lost", "opened": "closed", "closed": "opened", "allowed": "banned",
    "banned": "allowed", "acquitted": "convicted", "convicted": "acquitted", "succeeded": "failed",
    "upheld": "overturned", "overturned": "upheld", "hired": "fired", "fired": "hired", "admitted": "denied",
}
_FULL_DATE = re.compile(r"\b([1-9]|[12]\d|3[01])(?:st|nd|rd|th)? (" + "|".join(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"]) + r")\b|\b(" + "|".join(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"]) + r") ([1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\b")
PARTIAL = r"(?:some|many|several|most|a few|few|half of|a third of|a quarter of|about a third of|part of)"
MODAL_VERB = re.compile(r"\b(?:will|would|may|might|could|plans? to|intends? to|is expected to|are expected to|"
                        r"is due to|are due to|is set to|are set to|hopes? to|aims? to)\s+(?:be\s+)?([a-z]{3,})\b")
IRREGULAR_PAST = {"be": "was", "have": "had", "go": "went", "make": "made", "take": "took", "give": "gave",
                  "get": "got", "meet": "met", "pay": "paid", "buy": "bought", "sell": "sold", "build": "built",
                  "win": "won", "lose": "lost", "begin": "began", "run": "ran", "hold": "held", "leave": "left",
                  "bring": "brought", "send": "sent", "spend": "spent", "find": "found", "tell": "told",
                  "say": "said", "see": "saw", "come": "came", "become": "became", "keep": "kept",
                  "grow": "grew", "rise": "rose", "fall": "fell", "choose": "chose", "set": "set", "cut": "cut",
                  "put": "put", "hit": "hit", "shut": "shut", "cost": "cost", "face": "faced", "seek": "sought"}


def past_tense(verb: str) -> str:
    if verb in IRREGULAR_PAST:
        return IRREGULAR_PAST[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"
CONTROL = "paraphrase"

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
AUX = ["is", "was", "are", "were", "has", "have", "had", "will", "would", "can", "could", "should"]
ANTONYMS = {
    "increased": "decreased", "decreased": "increased", "rose": "fell", "fell": "rose", "won": "lost",
    "lost": "won", "more": "less", "less": "more", "higher": "lower", "lower": "higher", "first": "last",
    "last": "first", "before": "after", "after": "before", "largest": "smallest", "biggest": "smallest",
    "best": "worst", "worst": "best", "early": "late", "late": "early", "earlier": "later", "later": "earlier",
    "new": "old", "old": "new", "young": "old", "older": "younger", "younger": "older", "open": "closed",
    "opened": "closed", "closed": "opened", "approved": "rejected", "rejected": "approved", "accepted": "rejected",
    "allowed": "banned", "banned": "allowed", "support": "oppose", "supported": "opposed", "opposed": "supported",
    "rising": "falling", "falling": "rising", "increase": "decrease", "decrease": "increase", "gained": "lost",
    "strong": "weak", "weak": "strong", "high": "low", "low": "high", "long": "short", "short": "long",
    "above": "below", "below": "above", "top": "bottom", "male": "female", "female": "male", "men": "women",
    "women": "men", "man": "woman", "woman": "man", "boy": "girl", "girl": "boy", "son": "daughter",
    "daughter": "son", "husband": "wife", "wife": "husband", "father": "mother", "mother": "father",
    "alive": "dead", "dead": "alive", "arrived": "left", "public": "private", "private": "public",
    "legal": "illegal", "illegal": "legal", "guilty": "innocent", "bought": "sold", "sold": "bought",
    "north": "south", "south": "north", "east": "west", "west": "east", "started": "ended", "began": "ended",
    "majority": "minority", "minimum": "maximum", "maximum": "minimum", "positive": "negative",
    "negative": "positive", "rich": "poor", "poor": "rich", "hired": "fired", "fired": "hired",
}
INSERTIONS = ["controversial", "secret", "world powers'", "long-awaited", "bizarre", "record-breaking", "historic",
              "illegal", "emergency", "billion-dollar", "foreign-backed", "failed"]
SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "about": "around", "buy": "purchase",
    "bought": "purchased", "big": "large", "began": "started", "begin": "start", "children": "kids",
    "help": "assist", "helped": "assisted", "show": "reveal", "showed": "revealed", "shows": "reveals",
    "died": "passed away", "needed": "required", "need": "require", "try": "attempt", "tried": "attempted",
    "enough": "sufficient", "car": "vehicle", "home": "house", "job": "position", "quickly": "rapidly",
    "important": "significant", "main": "primary", "whole": "entire", "almost": "nearly", "mostly": "largely",
    "got": "received", "get": "receive", "gave": "provided", "asked": "requested", "wanted": "wished",
    "believed": "thought", "began to": "started to", "announced": "declared", "people": "individuals",
}
FILLER = ["also", "very", "just", "really", "still", "now", "currently", "already"]

_ENT = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)*)\b")
_NUM = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w,.]\d)")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-2]\d)\b")


@dataclass(frozen=True)
class Pair:
    kind: str
    source: str
    faithful: str
    edited: str


def _entities(sentence: str) -> list[re.Match]:
    """Maximal runs of capitalised words; at the start of the sentence only runs of
    two or more words count (a single capitalised first word is just a sentence start)."""
    out = []
    for m in _ENT.finditer(sentence):
        if m.start() == 0 and " " not in m.group(1):
            continue
        if set(m.group(1).split()) & set(MONTHS + DAYS):
            continue
        out.append(m)
    return out


def _sub_word(sentence: str, table: dict, rng: random.Random) -> str | None:
    hits = [m for m in re.finditer(r"\b[a-z]+(?: to)?\b", sentence) if m.group(0) in table]
    if not hits:
        return None
    m = rng.choice(hits)
    return sentence[:m.start()] + table[m.group(0)] + sentence[m.end():]


def edit(kind: str, sentence: str, source: str, rng: random.Random) -> str | None:
    """The edited sentence, or None when this kind of edit does not apply."""
    if kind == "entity_swap":
        ents = _entities(sentence)
        if not ents:
            return None
        m = rng.choice(ents)
        others = sorted({e.group(1) for e in _entities(source)} - {e.group(1) for e in ents}
                        - {w for e in ents for w in e.group(1).split()})
        others = [o for o in others if o not in sentence and len(o) > 2]
        if not others:
            return None
        return sentence[:m.start()] + rng.choice(others) + sentence[m.end():]
    if kind == "number_change":
        nums = [m for m in _NUM.finditer(sentence) if not _YEAR.fullmatch(m.group(0))]
        if not nums:
            return None
        m = rng.choice(nums)
        raw = m.group(0).replace(",", "")
        val = float(raw)
        new = val + rng.choice([1, 2, 3, 5]) if val < 10 else val * rng.choice([0.5, 1.5, 2, 3])
        text = f"{int(new):,}" if "," in m.group(0) else (f"{new:g}" if "." in raw else str(int(new)))
        if text == m.group(0):
            return None
        return sentence[:m.start()] + text + sentence[m.end():]
    if kind == "date_change":
        for pool in (MONTHS, DAYS):
            hits = [m for m in re.finditer(r"\b(" + "|".join(pool) + r")\b", sentence)]
            if hits:
                m = rng.choice(hits)
                new = rng.choice([x for x in pool if x != m.group(0)])
                return sentence[:m.start()] + new + sentence[m.end():]
        years = list(_YEAR.finditer(sentence))
        if years:
            m = rng.choice(years)
            new = str(int(m.group(0)) + rng.choice([-3, -2, -1, 1, 2, 3]))
            return sentence[:m.start()] + new + sentence[m.end():]
        return None
    if kind == "negation":
        hits = [m for m in re.finditer(r"\b(" + "|".join(AUX) + r")\b(?! not\b| never\b| no\b)", sentence)]
        if not hits:
            return None
        m = rng.choice(hits)
        return sentence[:m.end()] + " not" + sentence[m.end():]
    if kind == "antonym":
        return _sub_word(sentence, ANTONYMS, rng)
    if kind == "role_reversal":
        ents = _entities(sentence)
        names = []
        for e in ents:
            if all(e.group(1) != n.group(1) and e.group(1) not in n.group(1) and n.group(1) not in e.group(1)
                   for n in names):
                names.append(e)
        if len(names) < 2:
            return None
        a, b = names[0], names[1]
        return (sentence[:a.start()] + b.group(1) + sentence[a.end():b.start()] + a.group(1) + sentence[b.end():])
    if kind == "insertion":
        hits = [m for m in re.finditer(r"\bthe (?=[a-z]{4,})", sentence)]
        if not hits:
            return None
        m = rng.choice(hits)
        return sentence[:m.end()] + rng.choice(INSERTIONS) + " " + sentence[m.end():]
    if kind == "number_swap":
        nums = [m for m in _NUM.finditer(sentence) if not _YEAR.fullmatch(m.group(0))
                and not re.match(r"[\w:.]", sentence[m.end():m.end() + 1]) and not re.search(r"[\w:.]$", sentence[:m.start()])]
        pairs = [(a, b) for i, a in enumerate(nums) for b in nums[i + 1:] if a.group(0) != b.group(0)]
        if not pairs:
            return None
        a, b = rng.choice(pairs)
        return sentence[:a.start()] + b.group(0) + sentence[a.end():b.start()] + a.group(0) + sentence[b.end():]
    if kind == "quantifier":
        hits = list(re.finditer(r"\b" + PARTIAL + r"\b", sentence, flags=re.IGNORECASE))
        if not hits:
            return None
        m = rng.choice(hits)
        new = "All" if m.start() == 0 or sentence[:m.start()].rstrip().endswith(".") else "all"
        if m.group(0)[:1].isupper():
            new = "All"
        if not m.group(0).lower().endswith(" of") and "of" not in sentence[m.end():m.end() + 4]:
            pass
        return sentence[:m.start()] + new + sentence[m.end():]
    if kind == "modality":
        hits = [m for m in MODAL_VERB.finditer(sentence) if not m.group(1).endswith("ly") and m.group(1) not in (
            "not", "never", "also", "have", "now", "still", "then", "soon", "only", "just", "even", "the", "be",
            "need", "want", "like", "able", "about", "more", "less", "take", "continue")]
        if not hits:
            return None
        m = rng.choice(hits)
        return sentence[:m.start()] + past_tense(m.group(1)) + sentence[m.end():]
    if kind == "exclusion":
        hits = list(re.finditer(r"\b(?:not including|excluding|except for|except|other than|without)\b", sentence))
        if not hits:
            return None
        m = rng.choice(hits)
        new = "with" if m.group(0) == "without" else "including"
        return sentence[:m.start()] + new + sentence[m.end():]
    if kind == "day_change":
        hits = list(_FULL_DATE.finditer(sentence))
        if not hits:
            return None
        m = rng.choice(hits)
        g = 1 if m.group(1) else 4
        day = int(m.group(g))
        new = day + rng.choice([-7, -3, -2, 2, 3, 7])
        if not 1 <= new <= 28:
            new = day + 1 if day < 28 else day - 1
        end = m.end(g) + len(re.match(r"(?:st|nd|rd|th)?", sentence[m.end(g):]).group(0))
        return sentence[:m.start(g)] + str(new) + sentence[end:]
    if kind == "certainty":
        hits = list(HEDGED_VERB.finditer(sentence))
        if not hits:
            return None
        m = rng.choice(hits)
        return sentence[:m.start()] + "will " + sentence[m.end():]
    if kind == "reversal":
        return _sub_word(sentence, REVERSALS, rng)
    if kind == CONTROL:
        out = _sub_word(sentence, SYNONYMS, rng)
        base = out or sentence
        fill = [m for m in re.finditer(r"\b(" + "|".join(FILLER) + r") ", base)]
        if fill:
            m = rng.choice(fill)
            base = base[:m.start()] + base[m.end():]
        return base if base != sentence else None
    raise ValueError(kind)


def faithful_sentences(source: str) -> list[str]:
    from evalharness.scorers.text import split_sentences
    out = []
    for s in split_sentences(source):
        words = s.text.split()
        if 8 <= len(words) <= 40 and s.text[-1:] in ".!?\"'" and s.text[:1].isupper() and "\"" not in s.text[:1]:
            out.append(s.text)
    return out


def make_pairs(dev: Path = DEV, per_kind: int = 90, seed: int = 13) -> list[Pair]:
    """Deterministic: sources in file order, sentences and edits drawn with ``seed``."""
    rng = random.Random(seed)
    sources = []
    seen = set()
    for f in sorted(dev.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                src = json.loads(line)["source"]
                if src not in seen:
                    seen.add(src)
                    sources.append(src)
    rng.shuffle(sources)
    pairs: list[Pair] = []
    counts = {k: 0 for k in KINDS + (CONTROL,)}
    used: set[tuple[str, str]] = set()
    for src in sources:
        sents = faithful_sentences(src)
        rng.shuffle(sents)
        for kind in KINDS + (CONTROL,):
            if counts[kind] >= per_kind:
                continue
            for s in sents[:6]:
                if (kind, s) in used:
                    continue
                e = edit(kind, s, src, rng)
                if e and e != s:
                    pairs.append(Pair(kind, src, s, e))
                    used.add((kind, s))
                    counts[kind] += 1
                    break
        if all(c >= per_kind for c in counts.values()):
            break
    return pairs


def measure(pairs: list[Pair], margin: float, scorer=None) -> dict:
    from evalharness.core.results import ScoreItem
    from evalharness.scorers.support import SupportScorer

    scorer = scorer or SupportScorer()
    items = []
    for p in pairs:
        items.append(ScoreItem("f", "faithful", p.source, p.faithful))
        items.append(ScoreItem("e", p.kind, p.source, p.edited))
    scores = []
    for b in range(0, len(items), 64):
        for r in scorer.score_batch(items[b:b + 64]):
            scores.append(r.scores.get("score", 1.0))
    per: dict[str, list[bool]] = {}
    flagged: dict[str, list[bool]] = {}
    faithful_flagged = []
    thr = scorer.options.threshold
    examples: dict[str, list] = {}
    for k, p in enumerate(pairs):
        f, e = scores[2 * k], scores[2 * k + 1]
        ok = (abs(e - f) <= margin) if p.kind == CONTROL else (e < f)
        per.setdefault(p.kind, []).append(ok)
        flagged.setdefault(p.kind, []).append(e < thr)
        faithful_flagged.append(f < thr)
        if not ok and len(examples.setdefault(p.kind, [])) < 3:
            examples[p.kind].append({"faithful": p.faithful, "edited": p.edited, "faithful_score": round(f, 4),
                                     "edited_score": round(e, 4)})
    edits = [ok for k, v in per.items() if k != CONTROL for ok in v]
    return {"signature": scorer.signature(), "margin": margin,
            "threshold": thr,
            "kinds": {k: {"n": len(v), "rate": sum(v) / len(v), "flagged": sum(flagged[k]) / len(v)}
                      for k, v in per.items()},
            "faithful_flagged": sum(faithful_flagged) / len(faithful_flagged),
            "edits_overall": {"n": len(edits), "rate": sum(edits) / len(edits) if edits else float("nan")},
            "misses": examples}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", default=str(DEV))
    ap.add_argument("--per-kind", type=int, default=90)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--margin", type=float, default=0.1)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    pairs = make_pairs(Path(args.dev), args.per_kind, args.seed)
    t0 = time.perf_counter()
    res = measure(pairs, args.margin)
    res["seconds"] = round(time.perf_counter() - t0, 1)
    print(f"edit sensitivity of {res['signature']}")
    print(f"{'kind':<16} {'pairs':>5} {'caught / kept':>14} {'flagged':>8}")
    for k in KINDS + (CONTROL,):
        if k in res["kinds"]:
            v = res["kinds"][k]
            label = "kept within margin" if k == CONTROL else ""
            print(f"{k:<16} {v['n']:>5} {100 * v['rate']:>13.1f}% {100 * v['flagged']:>7.1f}%  {label}")
    o = res["edits_overall"]
    print(f"{'all edits':<16} {o['n']:>5} {100 * o['rate']:>13.1f}%")
    print(f"faithful sentences flagged: {100 * res['faithful_flagged']:.1f}%")
    print(f"(caught = edited score < faithful score; kept = paraphrase within {args.margin:g} of the faithful "
          f"score; flagged = edited version scores below the threshold {res['threshold']:g}; {res['seconds']}s)")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
