"""Interpretable checks of one claim against its evidence.

Each check yields a number (a feature for the combiner) and, where it fails, the
tokens of the claim to blame. Nothing here is a black box: a flagged claim can
always say which words nothing in the source supports, and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...text import Token, is_content

NEGATIONS = frozenset({"not", "no", "never", "n't", "nobody", "nothing", "none", "neither", "nor", "without",
                       "cannot", "didn't", "doesn't", "don't", "isn't", "wasn't", "weren't", "won't", "hasn't",
                       "haven't", "hadn't", "couldn't", "wouldn't", "shouldn't", "aren't"})

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
    "ninety": "90", "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000",
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "half": "0.5", "dozen": "12",
}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _norm_number(v: str) -> str:
    v = v.replace(",", "")
    if "." in v:
        v = v.rstrip("0").rstrip(".")
    return v.lstrip("0") or "0"


def number_values(tok: Token) -> set[str]:
    """Normalised numeric values of a token: '86%' -> {'86'}, '1,200' -> {'1200'}, 'two' -> {'2'},
    '2-1' -> {'2-1'} (a score or range stays one value, so '3-1' never matches '2-1')."""
    low = tok.text.lower()
    if low in NUMBER_WORDS:
        return {NUMBER_WORDS[low]}
    parts = [_norm_number(m.group(0)) for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", tok.text)]
    if not parts:
        return set()
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?(?:[-\u2013/:]\d[\d,]*(?:\.\d+)?)+", tok.text):
        return {"-".join(parts)}
    return set(parts)


def is_entity(tok: Token, claim_text: str, claim_start: int) -> bool:
    """A capitalised word that does not merely start a sentence (or is all caps)."""
    if not tok.text[:1].isupper() or tok.text.lower() in MONTHS:
        return False
    if len(tok.text) > 1 and tok.text.isupper():
        return True
    before = claim_text[:tok.start - claim_start].rstrip()
    return bool(before) and not before.endswith((".", "!", "?", ":", "\"", "\u201c"))


def fuzzy_match(stem: str, stems: set[str]) -> bool:
    """Exact stem, or a shared prefix of >= 5 letters covering most of both words
    (catches stemmer disagreements such as incursion/incursioned)."""
    if stem in stems:
        return True
    if len(stem) < 5:
        return False
    for s in stems:
        if len(s) >= 5 and s[:5] == stem[:5]:
            k = 5
            while k < min(len(s), len(stem)) and s[k] == stem[k]:
                k += 1
            if k >= 0.8 * min(len(s), len(stem)) and k >= 0.6 * max(len(s), len(stem)):
                return True
    return False


@dataclass
class ClaimCheck:
    """Features of one claim and the tokens each check blames."""

    sim: float = 0.0                # best embedding cosine to an evidence candidate
    sim_sent: float = 0.0           # best cosine to a single source unit
    coverage: float = 1.0           # share of content tokens found in the evidence (exact or paraphrase)
    source_coverage: float = 1.0    # share of content tokens found anywhere in the source
    novel_numbers: int = 0
    novel_entities: int = 0
    negation_mismatch: int = 0
    n_content: int = 0
    blamed: list[Token] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def vector(self) -> list[float]:
        return [self.sim, self.sim_sent, self.coverage, self.source_coverage, float(self.novel_numbers > 0),
                float(self.novel_entities > 0), float(self.negation_mismatch > 0),
                min(self.n_content, 30) / 30.0]


FEATURE_NAMES = ("sim", "sim_sent", "coverage", "source_coverage", "novel_number", "novel_entity",
                 "negation_mismatch", "length")


def check_claim(claim_text: str, claim_start: int, claim_tokens: list[Token], evidence_tokens: list[Token],
                source_tokens: list[Token], sim: float, sim_sent: float, paraphrased) -> ClaimCheck:
    """Run the lexical, number, entity and negation checks.

    ``paraphrased(tokens, evidence_tokens)`` returns the set of claim-token indices
    that an embedding judge accepts as paraphrases of some evidence word.
    """
    chk = ClaimCheck(sim=sim, sim_sent=sim_sent)
    ev_stems = {t.norm for t in evidence_tokens}
    src_stems = {t.norm for t in source_tokens}
    src_numbers: set[str] = set()
    for t in source_tokens:
        src_numbers |= number_values(t)

    content = [i for i, t in enumerate(claim_tokens) if is_content(t)]
    chk.n_content = len(content)
    missing_ev = [i for i in content if not fuzzy_match(claim_tokens[i].norm, ev_stems)]
    missing_src = [i for i in content if not fuzzy_match(claim_tokens[i].norm, src_stems)]
    para = paraphrased([claim_tokens[i] for i in missing_ev], evidence_tokens) if missing_ev else set()
    unexplained = [i for k, i in enumerate(missing_ev) if k not in para]
    if content:
        chk.coverage = 1.0 - len(unexplained) / len(content)
        chk.source_coverage = 1.0 - len(missing_src) / len(content)

    blamed = set(unexplained)
    for i, t in enumerate(claim_tokens):
        vals = number_values(t)
        if vals and t.is_number or (vals and t.text.lower() in NUMBER_WORDS and t.text.lower() not in
                                    ("one", "first", "second", "half")):
            if not (vals & src_numbers):
                chk.novel_numbers += 1
                blamed.add(i)
                chk.reasons.append(f"number '{t.text}' does not appear in the source")
        if is_entity(t, claim_text, claim_start) and not fuzzy_match(t.norm, src_stems):
            chk.novel_entities += 1
            blamed.add(i)
            chk.reasons.append(f"name '{t.text}' does not appear in the source")

    claim_neg = [i for i, t in enumerate(claim_tokens) if t.text.lower().replace("\u2019", "'") in NEGATIONS
                 or t.text.lower().endswith("n't")]
    ev_neg = any(t.text.lower().replace("\u2019", "'") in NEGATIONS or t.text.lower().endswith("n't")
                 for t in evidence_tokens)
    if claim_neg and not ev_neg:
        chk.negation_mismatch = 1
        blamed.update(claim_neg)
        chk.reasons.append("the claim is negated but its evidence is not")
    elif ev_neg and not claim_neg and evidence_tokens:
        chk.negation_mismatch = 1
        chk.reasons.append("the evidence is negated but the claim is not")
    if unexplained:
        words = ", ".join(f"'{claim_tokens[i].text}'" for i in unexplained[:6])
        chk.reasons.append(f"not found in the evidence: {words}")
    chk.blamed = [claim_tokens[i] for i in sorted(blamed)]
    return chk
