"""Negation and modality: a negation, an opposite, a quantifier, a modality, an exclusion or
a possession that the evidence contradicts."""

from __future__ import annotations

import re

from ...text import STOPWORDS, Token, is_content
from .. import lexicon as lx
from .context import (_IRREGULAR, AUXILIARIES, BE_FORMS, LIGHT, NOTHING, TITLES, ClaimContext, Finding,
                      _sentence_of, antonyms_of, base_stem, is_negation, root, verb_lemma)
from .mentions import MONTHS, NUMBER_WORDS, is_number_token, number_values
from .names import _LIGHT_VERBS
from .registry import check

def _scope(tokens, j: int, width: int = 5) -> list[int]:
    """Content tokens after position ``j`` up to the end of its clause (at most ``width``)."""
    out = []
    for k in range(j + 1, len(tokens)):
        low = tokens[k].text.lower()
        if low in ("but", "while", "whereas", "although", "though", "however", "yet"):
            break
        if is_content(tokens[k]) and not is_negation(tokens[k]):
            out.append(k)
            if len(out) >= width:
                break
    return out


_NOT_HEADS = frozenset({"longer", "able", "more", "yet", "even", "always", "ever", "currently", "still"})


#: words right after a negation that make it a bound ("nothing below ABB", "no later than Friday")
_BOUND_WORDS = frozenset({"below", "above", "under", "over", "beyond", "less", "fewer", "later", "earlier",
                          "sooner", "shorter", "higher", "lower"})
#: what a label says for none of a thing ("Entry charge: none", "Exit fee: nil")
_ZERO_WORDS = frozenset({"none", "nil", "zero", "free", "n/a", "0", "0%", "0.00", "0.0"})


def _labels_after(tokens, p: int) -> set[str]:
    """The labels right after a word ("compartments C and D" -> {c, d}; "Room B216" -> {b216}):
    single capital letters, codes and numbers, joined by "and", "or" or commas."""
    out = set()
    for t in tokens[p + 1:p + 6]:
        low = t.text.lower()
        if low in ("and", "or", "&"):
            continue
        if (len(t.text) == 1 and t.text.isupper()) or t.is_number or re.fullmatch(r"[A-Z]{1,3}-?\d+[A-Za-z]?", t.text):
            out.add(low)
            continue
        break
    return out


def _other_ones(claim, unit, w: str, negs: list[int]) -> bool:
    """The claim's word ``w`` and the unit's negated ``w`` (the first one within five words
    after a negation at ``negs``) carry labels that differ ("compartments C and D" against
    "none in compartment F"): they are other things of the same kind."""
    mine = set().union(*(_labels_after(claim, i) for i, t in enumerate(claim) if t.norm == w))
    at = [next((k for k in range(j + 1, min(len(unit), j + 6)) if unit[k].norm == w), None) for j in negs]
    theirs = set().union(*(_labels_after(unit, k) for k in at if k is not None))
    return bool(mine) and bool(theirs) and not mine & theirs


def _zero_after(unit, head: set[str]) -> bool:
    """A word of ``head`` with a label's zero after it ("Entry charge: none", "Exit fee: 0%")."""
    for p, e in enumerate(unit):
        if e.norm in head:
            for q in range(p + 1, min(len(unit), p + 4)):
                if unit[q].text.lower() in _ZERO_WORDS and unit[q].start - unit[q - 1].end > 1:
                    return True
    return False


def _negated_head(tokens, idx) -> set[str]:
    """The word each negation at ``idx`` negates: the first content word after it, before any
    punctuation ("Concierge: No. Lift: Yes." negates no lift)."""
    out = set()
    for j in idx:
        if j + 1 < len(tokens) and tokens[j + 1].text.lower() in _BOUND_WORDS:
            continue  # "nothing below ABB will be considered": a bound, not a denial of ABB
        for k in range(j + 1, min(len(tokens), j + 5)):
            t = tokens[k]
            if t.start - tokens[k - 1].end > 1 and t.start > tokens[k - 1].end:
                break
            if is_content(t) and not is_negation(t) and t.text.lower() not in _NOT_HEADS:
                nxt = tokens[k + 1] if k + 1 < len(tokens) else None
                if tokens[j].text.lower() == "no" and t.text[:1].isupper() and nxt is not None \
                        and nxt.start - t.end == 1 and is_content(nxt) \
                        and nxt.text[:1].islower() and not is_negation(nxt):
                    continue  # "No other Brightwell kettle": a name that modifies the noun it negates
                out.add(t.norm)
                break
    return out

def _still_before(toks, j: int, units) -> tuple[str, str] | None:
    """'still' (or 'continue(s) to') before the word the claim says holds 'no longer' ("no
    longer able to take garden waste" against "garden waste can still be taken"): the marker
    and the word as the evidence writes them."""
    low = toks[j].text.lower()
    if not ((low == "no" and j + 1 < len(toks) and toks[j + 1].text.lower() == "longer")
            or any(t.text.lower() in ("anymore", "longer") for t in toks[j + 1:j + 6])):
        return None
    head = next((base_stem(t.text) for t in toks[j + 1:j + 6] if is_content(t) and not is_negation(t)
                 and t.text.lower() not in _NOT_HEADS), None)
    for u in units:
        for p, e in enumerate(u):
            if base_stem(e.text) != head:
                continue
            for q in range(max(0, p - 4), p):
                if u[q].text.lower() in ("still", "continue", "continues", "remain", "remains") and \
                        not any(is_negation(x) for x in u[q:p]):
                    return u[q].text, e.text
    return None


def _elliptic(unit, q: int) -> bool:
    """A negation with no verb of its own at the end of its sentence: a reply ("Honestly, not
    this year"), not "doesn't count" (a contraction) or "is not open" (after an auxiliary)."""
    low = unit[q].text.lower()
    return low in ("not", "no", "never", "nope") and len(unit) - q <= 4 and not (
        q > 0 and unit[q - 1].text.lower() in AUXILIARIES)


def _negates(unit, head: set[str]) -> bool:
    """A negation in ``unit`` that bears on a word of ``head``: before it in its clause ("haven't
    logged in", "no new invoices", "without logging in"), naming it as the word it negates, or
    an elliptic reply at the sentence's end; not a negation of another word of the sentence
    ("Logging in doesn't count")."""
    neg = [q for q, t in enumerate(unit)
           if is_negation(t) or t.text.lower() in lx.EXCLUSION or t.text.lower() in lx.NEGATION_LIKE]
    if not neg:
        return False
    if _negated_head(unit, neg) & head or any(_elliptic(unit, q) for q in neg):
        return True  # or an elliptic reply closing the sentence ("... win it back? Honestly, not this year")
    for p, t in enumerate(unit):
        if t.norm not in head:
            continue
        for q in neg:
            if q < p and not any(x.text.lower() in ("but", "while", "whereas", "although", "though", "however")
                                 for x in unit[q + 1:p]) and p - q <= 8:
                return True
    return False


#: verbs of belief, knowledge and wish: who holds them varies from sentence to sentence
_ATTITUDES = frozenset(base_stem(w) for w in """believe think know expect suppose understand recall remember want
wish like mind care see seem feel hope doubt""".split())
_NOT_A_NEGATION = frozenset({"only", "just", "merely", "but", "except", "longer", "least", "less", "doubt", "matter",
                             "wonder"})


def _negation_on(unit, p: int) -> int | None:
    """The negation right before the word at ``p`` in its clause ("nothing is agreed yet",
    "has not been signed", "no refund was made"), not "not only", "no longer", "no doubt"."""
    for q in range(p - 1, max(-1, p - 4), -1):
        if unit[q + 1].start - unit[q].end > 1:
            return None  # punctuation between them ("wasn't suicidal. Prosecutors said")
        low = unit[q].text.lower()
        if is_negation(unit[q]):
            nxt = unit[q + 1].text.lower() if q + 1 < len(unit) else ""
            return None if nxt in _NOT_A_NEGATION else q
        if low not in AUXILIARIES and low not in ("a", "an", "the", "any", "been", "being", "yet", "ever", "even"):
            return None  # only auxiliaries and articles between ("nothing is agreed", "has not been signed")
    return None


def _answered_no(unit, p: int) -> bool:
    """A label or a question about the word at ``p`` answered "No" ("Concierge: No.", "Is there a
    concierge? No, but there is a lift."): the "No" stands alone between punctuation."""
    if p + 1 >= len(unit) or unit[p + 1].text.lower() not in ("no", "none", "not"):
        return False
    ends = p + 2 >= len(unit) or unit[p + 2].start - unit[p + 1].end > 1
    return unit[p + 1].start - unit[p].end > 1 and ends


#: verbs of need and obligation: whose need it is varies ("Foot passengers do not need to book"
#: says nothing of lorries)
_MODAL_VERBS = frozenset(base_stem(w) for w in ("need", "needs", "needed", "require", "requires", "required"))
#: words that open a condition: what follows is not stated as so ("once repairs are complete";
#: "after a cat was injured" states it)
_CONDITIONS = frozenset({"if", "once", "unless", "until", "provided", "whether"})


def _a_need(toks, i: int) -> bool:
    """The verb of need at ``i`` ("lorries need two days' notice"), not the noun ("without the need")."""
    return base_stem(toks[i].text) in _MODAL_VERBS and not (i > 0 and toks[i - 1].text.lower() in _DETERMINERS)


def _conditional(toks, i: int) -> bool:
    """Token ``i`` sits in a condition ("once repairs are complete"; not "once again")."""
    for k in range(max(0, i - 6), i):
        low = toks[k].text.lower()
        if low in _CONDITIONS and not (low == "once" and k + 1 < len(toks)
                                       and toks[k + 1].text.lower() in ("again", "more", "before")):
            return True
    return False


def _only_negated(ctx: ClaimContext) -> tuple[int, str] | None:
    """A word the claim states plainly ("has agreed to a trial") that the source only ever
    writes negated ("so I understand nothing is agreed yet"), in whichever sentence: (claim
    index, the source's words). Names, numbers and short words are left alone."""
    toks = ctx.tokens
    flat = ctx.source_tokens
    at = {t.start: k for k, t in enumerate(flat)}
    names = set(ctx.names)
    for i in ctx.content:
        t = toks[i]
        if i in names or t.text[:1].isupper() or t.is_number or len(t.text) < 4 or t.text.lower() in LIGHT:
            continue
        b = base_stem(t.text)
        if b in _ATTITUDES or _a_need(toks, i):
            continue  # whose belief: "the CIA believes" is no restatement of "I don't believe it"
        if _conditional(toks, i):
            continue  # "once repairs are complete": a condition, not a statement that they are
        said: list[str] = []
        plain = False
        for u in ctx.source_sentences:
            for p, e in enumerate(u):
                if base_stem(e.text) != b:
                    continue
                q = _negation_on(u, p)
                if q is not None:
                    said.append(" ".join(x.text for x in u[q:p + 1]))
                elif e.start in at and _answered_no(flat, at[e.start]):
                    said.append(f"{e.text}: {flat[at[e.start] + 1].text}")
                else:
                    plain = True
                    break
            if plain:
                break
        if said and not plain:
            return i, said[0]
    return None


#: the plain (non-modal) auxiliaries a negated verb or state follows ("had not logged in")
_PLAIN_AUX = frozenset({"do", "does", "did", "is", "are", "was", "were", "has", "have", "had"})
_PLAIN_AUX_NOT = frozenset(f"{a}n't" for a in ("do", "does", "did", "is", "are", "was", "were", "has", "have", "had"))
#: what may sit between "not" and the verb it negates ("has not yet signed", "had not been paid")
_NOT_FILLERS = frozenset({"be", "been", "being", "yet", "ever", "even", "always", "still", "currently", "actually"})
_PARTICLES = frozenset({"in", "out", "up", "down", "off", "on", "over", "back", "away"})
_FIRST_PERSON = frozenset({"i", "we", "i've", "we've", "i'd", "we'd", "i'm", "we're"})
_DETERMINERS = frozenset({"the", "a", "an", "any", "his", "her", "its", "their", "our", "my", "your", "this", "that",
                          "these", "those"})
#: what an act of telling or disclosing is: "police have not named the man", "X did not say whether" are no
#: denial of what else the speaker said or named
_DISCLOSING = frozenset(verb_lemma(w) for w in (" ".join(lx.REPORTING) + """ name identify disclose reveal specify
comment elaborate release announce publish discuss address detail give provide return receive hear""").split()) \
    | _LIGHT_VERBS | _ATTITUDES | frozenset(verb_lemma(w) for w in lx.EPISTEMIC)
#: words that put the source's statement at another time or under a condition ("was operating normally
#: again", "if you log in"): it does not deny that the thing did not happen
_ANOTHER_TIME = frozenset("""again back resumed restored recovered until since after later eventually finally now
before once when whenever if unless whether would could might may should can will must""".split())
_GREETINGS = frozenset("""hi hello hey dear thanks thank morning afternoon evening good ok okay yes no sure great
sorry right well""".split())


def _claim_subject(toks, j: int) -> tuple[int, set[str]] | None:
    """The subject of the verb negated at ``j``: its head's index and the norms of the name it
    belongs to ("Aisha Karimi, who had not logged in" -> Karimi; "other services were not"
    -> services). None for a pronoun or anything less plain."""
    k = j - 1
    low = toks[j].text.lower().replace("\u2019", "'")
    if low in ("not", "never") and k >= 0 and toks[k].text.lower() in _PLAIN_AUX:
        k -= 1
    elif low == "not" or (low != "never" and low not in _PLAIN_AUX_NOT):
        return None
    if k >= 0 and toks[k].text.lower() in ("who", "which", "that"):
        k -= 1
    if k < 0 or not is_content(toks[k]) or toks[k].is_number or toks[k].text.lower() in AUXILIARIES:
        return None
    names = {toks[k].norm}
    q = k
    while toks[k].text[:1].isupper() and q > 0 and toks[q - 1].text[:1].isupper() and \
            toks[q].start - toks[q - 1].end == 1 and is_content(toks[q - 1]):
        q -= 1
        names.add(toks[q].norm)
    return k, names


_ARTICLES = frozenset({"the", "a", "an", "all", "both"})


def _modifiers(tokens, h: int) -> set[str]:
    """The words that narrow a subject down ("other services", "the payment service"), articles
    and "all" left out, up to a punctuation mark or a word that opens a clause."""
    out = set()
    for k in range(h - 1, max(-1, h - 4), -1):
        low = tokens[k].text.lower()
        if tokens[k + 1].start - tokens[k].end > 1 or low in AUXILIARIES or low in _CLAUSE_BREAK or \
                low in ("and", "or", "of", "that", "to", "in", "on", "at", "for", "with", "by", "from"):
            break
        if low not in _ARTICLES:
            out.add(low)
    return out


def _object_after(tokens, v: int) -> str | None:
    """The norm of a verb's direct object ("signed the lease" -> lease), none for "logged in
    since the renewal" or "operating normally"."""
    for t in tokens[v + 1:v + 4]:
        low = t.text.lower()
        if low in _PARTICLES or low in _DETERMINERS:
            continue
        if is_content(t) and not low.endswith("ly") and not t.is_number:
            return t.norm
        return None
    return None


def _speaker_of(sents, s: int) -> set[str] | None:
    """The norms of the speaker label ("Aisha Karimi:" at a line's start, as a short unit of
    capitalised words) of the transcript turn that sentence ``s`` belongs to, if that label
    recurs in the source (a transcript names each speaker more than once)."""
    def label(u) -> bool:
        return 1 <= len(u) <= 4 and all(t.text[:1].isupper() and t.text.isalpha() for t in u) and \
            not any(t.text.lower() in _FIRST_PERSON or t.text.lower() in _GREETINGS for t in u)
    for b in range(s - 1, max(-1, s - 8), -1):
        u = sents[b]
        if all(t.text.lower() in _GREETINGS for t in u):
            continue  # "Yes.", "Hi," within the turn
        if not label(u):
            continue
        block = [u]
        for c in range(b - 1, max(-1, b - 4), -1):
            if not label(sents[c]):
                break
            block.append(sents[c])  # "Aisha Karimi (Customer, Karimi Design Ltd):"
        if not any(sum(tuple(t.text for t in v) == tuple(t.text for t in w) for w in sents) >= 2 for v in block):
            return None
        return {t.norm for v in block for t in v}
    return None


def _affirmed_in_source(ctx: ClaimContext, j: int) -> tuple[int, str] | None:
    """A verb or state the claim negates at ``j`` ("who had not logged in", "other services were
    not operating normally") that a source sentence outside the evidence affirms for the same
    subject ("All other services were operating normally"), or in the first person on a
    transcript line of the claim's subject ("Aisha Karimi: ... I did log in yesterday evening"),
    where no sentence holding the verb negates it, asks about it, puts it under a condition, a
    modal or another time: (the verb's index, the source's words)."""
    toks = ctx.tokens
    if j + 1 < len(toks) and toks[j + 1].text.lower() in _NOT_A_NEGATION:
        return None
    subj = _claim_subject(toks, j)
    if subj is None:
        return None
    v = next((k for k in range(j + 1, min(len(toks), j + 4)) if toks[k].text.lower() not in _NOT_FILLERS), None)
    if v is None or any(toks[k].text.lower() not in _NOT_FILLERS for k in range(j + 1, v)):
        return None
    verb = toks[v]
    if not verb.text.isalpha() or not verb.text[:1].islower() or len(verb.text) < 3 or not is_content(verb) \
            or verb.text.lower() in LIGHT or toks[v].start - toks[v - 1].end > 1:
        return None
    lemma = verb_lemma(verb.text)
    if lemma in _DISCLOSING or base_stem(verb.text) in _DISCLOSING:
        return None
    if any(t.text.lower() in ("until", "till", "if", "whether", "unless") for t in toks):
        return None  # "did not log in until Friday": it did, later
    particle = toks[v + 1].text.lower() if v + 1 < len(toks) and toks[v + 1].text.lower() in _PARTICLES else None
    obj = _object_after(toks, v)
    if any(verb_lemma(t.text) == lemma for t in ctx.evidence_tokens):
        return None  # the evidence holds it: judged there
    if antonyms_of(verb.norm) & ctx.src.stems or ("un" + verb.text.lower()) in ctx.src.lower_words:
        return None  # "unavailable" somewhere says it too
    head, names = subj
    named = head in ctx.names
    sents = ctx.source_sentences
    said = None
    for s, u in enumerate(sents):
        for p, e in enumerate(u):
            if not e.text[:1].isalpha() or verb_lemma(e.text) != lemma:
                continue
            # negated ("I haven't created any"), "other" aside ("All other services were operating")
            real = any(is_negation(x) or x.text.lower() in lx.NEGATION_LIKE
                       or x.text.lower() in lx.EXCLUSION - {"other", "others"} for x in u)
            if _negation_on(u, p) is not None or real and _negates(u, {e.norm}):
                return None
            if any(x.text.lower() in _ANOTHER_TIME for x in u[:p + 4]) or u[0].text.lower() in AUXILIARIES or \
                    u[0].text.lower() in ("what", "why", "how", "where", "who") or \
                    any(x.text.lower() in AUXILIARIES and y.text.lower() in ("you", "i", "we", "they", "he", "she")
                        for x, y in zip(u[:p], u[1:p + 1])) or \
                    any(x.text.lower() == "by" and y.is_number for x, y in zip(u, u[1:])):
                return None  # a question, a condition, a modal, another time ("by 14:40")
            after = u[p + 1].text.lower() if p + 1 < len(u) and u[p + 1].start - e.end == 1 else None
            if (after != particle) if particle else (after in _PARTICLES - {"in", "on", "over"}):
                continue  # "log in" is not "log out", "signed" not "signed up" ("paid in full" is "paid")
            if obj is not None and not any(x.norm == obj for x in u[p + 1:p + 5]):
                continue  # "signed the consent form" says nothing of the lease
            if said is not None:
                continue
            q = p - 1
            while q >= 0 and (u[q].text.lower() in _PLAIN_AUX or u[q].text.lower() in BE_FORMS
                              or u[q].text.lower().endswith("ly")
                              or u[q].text.lower() in ("also", "already", "just", "still", "then", "all")):
                q -= 1
            if q < 0 or u[q + 1].start - u[q].end > 1:
                continue  # no subject right before the verb ("to download", "Logging in or exporting")
            sub = u[q]
            shown = " ".join(x.text for x in u[q:p + 1]) + (f" {u[p + 1].text}" if particle else "")
            if sub.text.lower().replace("\u2019", "'") in _FIRST_PERSON:
                speaker = _speaker_of(sents, s) if named else None
                if speaker is not None and names <= speaker:
                    said = (v, shown)
            elif named and sub.norm in names and sub.text[:1].isupper():
                said = (v, shown)
            elif not named and sub.norm == toks[head].norm and _modifiers(u, q) == _modifiers(toks, head):
                said = (v, shown)
    return said


@check("negation", -1, explicit=True)
def check_negation(ctx: ClaimContext) -> Finding:
    """A negation the evidence does not have, or a negation of the evidence the claim drops.
    A claim's negation is only blamed when no evidence sentence is negated or hedged at all
    ("may not be causal" restates "could not prove ... caused")."""
    toks = ctx.tokens
    claim_neg = [i for i, t in enumerate(toks) if is_negation(t)]
    claim_excl = [i for i, t in enumerate(toks) if t.text.lower() in lx.EXCLUSION or t.text.lower() in lx.NEGATION_LIKE]
    claim_stems = {toks[i].norm for i in ctx.content}
    best = ctx.best_unit
    def neg_like(u) -> bool:
        return any(is_negation(t) or t.text.lower() in lx.EXCLUSION or t.text.lower() in lx.NEGATION_LIKE for t in u)
    # negated or hedged: the best evidence sentence, or any evidence or neighbouring sentence
    # that holds the word the claim negates ("nothing signed" for "no term sheet has been signed")
    heads = _negated_head(toks, claim_neg) if claim_neg else set()
    # or a short reply ("Do you expect to win it back?" "Ingrid Solberg: Honestly, not this year.")
    ev_any_neg = neg_like(best) or any(neg_like(u) for u in (*ctx.evidence_units, *ctx.context_units)
                                       if heads & {t.norm for t in u} or len(u) <= 8)
    ev_neg_idx = [j for j, t in enumerate(best) if is_negation(t)]
    if claim_neg:
        # each negation on its own: judged against the evidence sentences that hold the word it
        # negates, so another negated sentence nearby ("Do not try to reach the site") does not
        # excuse "the airport is not operating" where the evidence says it "is operating"
        units = (*ctx.evidence_units, *ctx.context_units)
        short_neg = any(neg_like(u) for u in units if len(u) <= 6)  # a short reply ("Honestly, not this year.")
        blamed, reasons = set(), []
        for j in claim_neg:
            head = _negated_head(toks, [j])
            still = _still_before(toks, j, units)
            if still is None and not head & ctx.ev.stems:
                # the verb is not in the evidence: the source may affirm it elsewhere ("I did log in")
                said = _affirmed_in_source(ctx, j)
                if said is not None:
                    blamed.update((j, said[0]))
                    reasons.append(f"the source says '{said[1]}', the claim negates it")
                continue
            holders = [u for u in units if head & {t.norm for t in u}]
            if still is None and (short_neg or any(_negates(u, head) or _zero_after(u, head) for u in holders)
                                  or _negates(best, head)):
                continue
            blamed.add(j)
            if j > 0 and toks[j - 1].text.lower() in AUXILIARIES:
                blamed.add(j - 1)
            if j + 1 < len(toks):
                blamed.add(j + 1)
            if still is not None:
                reasons.append(f"the evidence says '{still[0]} ... {still[1]}', the claim says it no longer holds")
            else:
                word = sorted(head & ctx.ev.stems)[0]
                shown = next((t.text for t in ctx.evidence_tokens if t.norm == word), word)
                reasons.append(f"the claim negates '{shown}', and its evidence sentence is not negated")
        if blamed:
            return Finding(1.0, tuple(sorted(blamed)), tuple(reasons))
        return NOTHING
    if claim_excl:
        return NOTHING
    prohibited = ctx.src.prohibitions
    for i, t in enumerate(toks):
        if i in ctx.content and base_stem(t.text) in prohibited and \
                not any(is_negation(u) for u in toks[max(0, i - 4):i]):
            return Finding(1.0, (i,), (f"the source says '{prohibited[base_stem(t.text)]}', the claim drops the "
                                       "negation",))
    only = _only_negated(ctx)
    if only is not None:
        i, said = only
        return Finding(1.0, (i,), (f"the source only says '{said}', the claim drops the negation",))
    # "not only X", "nothing but a bible": no negation of the word after
    ev_neg_idx = [j for j in ev_neg_idx if not (j + 1 < len(best) and best[j + 1].text.lower() in (
        "only", "just", "merely", "but", "except"))]
    ev_negated = _negated_head(best, ev_neg_idx)
    def stated(w: str) -> bool:  # the claim states it: not under a condition, not a need
        return any(t.norm == w and not _a_need(toks, i) and not _conditional(toks, i) for i, t in enumerate(toks))
    hit = {w for w in ev_negated & claim_stems if base_stem(w) not in _ATTITUDES and w not in _ATTITUDES and stated(w)
           and not _other_ones(toks, best, w, ev_neg_idx)}
    if not hit:
        return NOTHING
    modal = any(t.text.lower() in lx.MODAL for t in toks)
    epistemic = any(best[k].text.lower() in lx.EPISTEMIC for j in ev_neg_idx for k in range(j + 1, min(len(best), j + 3)))
    if epistemic and modal:
        return NOTHING
    blamed = tuple(i for i, t in enumerate(toks) if t.norm in hit)
    neg_word = next(best[j].text for j in ev_neg_idx if _negated_head(best, [j]) & hit)
    shown = next(t.text for t in best if t.norm in hit)
    return Finding(1.0, blamed, (f"the evidence says '{neg_word} ... {shown}', the claim drops the negation",))


@check("antonym", -1, explicit=True)
def check_antonym(ctx: ClaimContext) -> Finding:
    """A claim word whose opposite sits in the evidence next to a word that also neighbours
    it in the claim ("found dead" against "found alive")."""
    toks = ctx.tokens
    blamed, reasons = [], []
    for i in ctx.content:
        t = toks[i]
        if t.norm in ctx.ev.stems:
            continue
        opp = antonyms_of(t.norm) & ctx.ev.stems
        if t.text.lower().endswith("ing") and not (i > 0 and toks[i - 1].text.lower() in AUXILIARIES):
            continue  # a nominal use ("the later Saturday closing") names an event, it states no polarity
        if not opp or opp & {u.norm for u in toks}:
            continue  # "open until six ... later closing": the claim itself uses both
        if any(is_negation(u) for u in toks[max(0, i - 3):i]):
            continue  # "not open" restates "closed"
        near_claim = {u.norm for u in toks[max(0, i - 3):i] + toks[i + 1:i + 4] if is_content(u)}
        for unit in ctx.evidence_units:
            found = None
            for j, e in enumerate(unit):
                if e.norm in opp:
                    near_ev = {u.norm for u in unit[max(0, j - 3):j] + unit[j + 1:j + 4] if is_content(u)}
                    if near_claim & near_ev:
                        found = e
                        break
            if found is not None:
                blamed.append(i)
                reasons.append(f"'{t.text}' says the opposite of the evidence's '{found.text}'")
                break
    for i, said in _change_against_no_change(ctx):
        if i not in blamed:
            blamed.append(i)
            reasons.append(f"'{toks[i].text}' where the evidence says '{said}'")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


#: a claim's words of change or difference ("significantly more abundant", "rose", "higher")
_CHANGE = frozenset("""more less fewer higher lower greater larger smaller bigger increased increase increases
rose risen grew grown fell fallen dropped declined decreased improved worsened better worse""".split())
_STILL_WORDS = frozenset({"unchanged", "flat", "steady", "stable", "similar", "same"})
_STATE_VERBS = frozenset({"remained", "remains", "remain", "was", "were", "is", "are", "stayed", "stays", "held",
                          "holds", "kept", "keeps", "been", "being", "be"})
_CLAUSE_END = frozenset({"although", "though", "but", "while", "whereas", "however", "yet", "except"})


def _no_change_markers(unit) -> list[tuple[int, str]]:
    """Where a sentence says a thing did not change or differ: "did not differ (significantly)",
    "no (significant) difference/change", "remained stable", "was flat", "held steady",
    "was unchanged": (index, the words)."""
    out = []
    for m, t in enumerate(unit):
        low = t.text.lower()
        if low in ("differ", "differed", "differs", "change", "changed", "vary", "varied") and any(
                is_negation(x) for x in unit[max(0, m - 3):m]):
            out.append((m, " ".join(x.text for x in unit[max(0, m - 2):m + 1])))
        elif low == "no" and any(x.text.lower() in ("difference", "differences", "change") for x in unit[m + 1:m + 3]):
            k = next(k for k in range(m + 1, m + 3) if unit[k].text.lower() in ("difference", "differences", "change"))
            out.append((k, " ".join(x.text for x in unit[m:k + 1])))
        elif low in _STILL_WORDS and any(x.text.lower() in _STATE_VERBS for x in unit[max(0, m - 2):m]) and not any(
                is_negation(x) for x in unit[max(0, m - 3):m]):
            if low in ("same", "similar") and m + 1 < len(unit) and unit[m + 1].text.lower() in ("to", "as"):
                continue  # "similar to last year's": a comparison with another thing
            out.append((m, " ".join(x.text for x in unit[max(0, m - 1):m + 1])))
    return out


def _clause_words(unit, m: int, before: int = 8, after: int = 4) -> set[str]:
    """Content stems of the clause around position ``m`` (up to a clause word on each side)."""
    out = set()
    for k in range(m - 1, max(-1, m - 1 - before), -1):
        if unit[k].text.lower() in _CLAUSE_END:
            break
        if is_content(unit[k]) and not is_negation(unit[k]):
            out.add(unit[k].norm)
    for k in range(m + 1, min(len(unit), m + 1 + after)):
        if unit[k].text.lower() in _CLAUSE_END:
            break
        if is_content(unit[k]) and not is_negation(unit[k]):
            out.add(unit[k].norm)
    return out


def _change_against_no_change(ctx: ClaimContext) -> list[tuple[int, str]]:
    """A change or difference the claim states ("solitary bees were significantly more
    abundant") where the evidence sentence about the same thing says there was none ("Solitary
    bee abundance did not differ significantly"): the clause around the evidence's marker shares
    at least two words with the claim's clause, and more than any clause of the evidence that
    states a change itself ("the species richness of solitary bees was 30% higher")."""
    toks = ctx.tokens
    changes = [i for i, t in enumerate(toks) if t.text.lower() in _CHANGE]
    if not changes:
        return []
    units = (*ctx.evidence_units, *ctx.context_units)
    stills = [(_clause_words(u, m), said) for u in units for m, said in _no_change_markers(u)]
    if not stills:
        return []
    moved = [_clause_words(u, m) for u in units for m, e in enumerate(u) if e.text.lower() in _CHANGE]
    out = []
    for i in changes:
        if any(is_negation(x) for x in toks[max(0, i - 3):i]):
            continue  # "no higher than", "did not rise"
        mine = _clause_words(toks, i) - {toks[i].norm}
        k, w_still, said = max(((len(mine & w), w, said) for w, said in stills), key=lambda x: x[0])
        if k < 2:
            continue
        # the word the change is of, right after it ("more abundant"), settles a tie
        head = toks[i + 1].norm if i + 1 < len(toks) and is_content(toks[i + 1]) else None
        if all(len(mine & w) < k or (len(mine & w) == k and head in w_still and head not in w) for w in moved):
            out.append((i, said))
    return out


_QUANT_SCALE = {"all": 1.0, "every": 1.0, "each": 1.0, "entire": 1.0, "whole": 1.0, "always": 1.0,
                "everyone": 1.0, "everybody": 1.0, "everything": 1.0, "unanimously": 1.0,
                "most": 0.75, "majority": 0.75, "mostly": 0.75,
                "half": 0.5, "third": 0.33, "quarter": 0.25, "fifth": 0.2, "minority": 0.25, "few": 0.15,
                "handful": 0.1, "none": 0.0, "nobody": 0.0, "nothing": 0.0, "never": 0.0, "no": 0.0}


def _proportion_before(unit, p: int) -> tuple[float | None, str]:
    """The proportion the evidence states for the word at ``p``: a quantifier, fraction or
    percentage within the four words before it."""
    for q in range(p - 1, max(-1, p - 5), -1):
        t = unit[q]
        low = t.text.lower()
        if low in (",", ";") or low in ("and", "but"):
            break
        if low in _QUANT_SCALE:
            return _QUANT_SCALE[low], t.text
        if low in ("some", "several", "many", "part", "portion", "share", "proportion"):
            return 0.5, t.text
        if t.is_number:
            nxt = unit[q + 1].text.lower() if q + 1 < len(unit) else ""
            cent = unit[q + 2].text.lower() if q + 2 < len(unit) else ""
            # "25 per cent", not "£25 per passenger" (a rate)
            if nxt in ("percent", "%") or (nxt == "per" and cent == "cent") or "%" in t.text or low.endswith("%"):
                vals = [float(v) for v in number_values(t) if re.fullmatch(r"[\d.]+", v)]
                if vals:
                    return vals[0] / 100.0, t.text
    return None, ""


_PRONOUN_QUANT = frozenset({"everyone", "everybody", "nobody", "none", "all"})


def _part_of_whole(unit) -> list[tuple[int, float, str]]:
    """Proportions a sentence states as a part of a whole ("two of the three people", "4 out
    of 5 staff", "three in five"): (index of the last token, proportion, words)."""
    out = []
    for q, t in enumerate(unit):
        if not is_number_token(t):
            continue
        k = q + 1
        if k < len(unit) and unit[k].text.lower() == "out":
            k += 1
        if k >= len(unit) or unit[k].text.lower() not in ("of", "in"):
            continue
        k += 1
        if k < len(unit) and unit[k].text.lower() in ("the", "those", "these", "my", "our", "his", "her", "their"):
            k += 1
        if k >= len(unit) or not is_number_token(unit[k]):
            continue
        try:
            a = float(next(iter(number_values(t))))
            b = float(next(iter(number_values(unit[k]))))
        except (StopIteration, ValueError):
            continue
        if 0 <= a <= b and b > 0:
            out.append((k, a / b, " ".join(x.text for x in unit[q:k + 1])))
    return out


def _universal_against_part(ctx: ClaimContext, i: int, cq: float) -> str | None:
    """'everyone said it was muffled' where the evidence says 'two of the three people I rang
    said ... muffled': a pronoun quantifier against a part of a whole stated for the same
    predicate (three or more shared words in what follows each)."""
    toks = ctx.tokens
    after = {t.norm for t in toks[i + 1:i + 10] if is_content(t) and not is_number_token(t)}
    for unit in ctx.evidence_units:
        for k, prop, words in _part_of_whole(unit):
            clause = []
            for q in range(k + 1, min(len(unit), k + 12)):
                t, gap = unit[q], unit[q].start - unit[q - 1].end
                if gap >= 2 and (t.text[:1].isupper() or t.text.lower() in ("and", "but", "while", "whereas")):
                    break  # the next sentence, or another clause ("..., and nobody complained")
                clause.append(t)
            ev_after = {t.norm for t in clause if is_content(t) and not is_number_token(t)}
            if len(after & ev_after) < 3:
                continue
            if (cq == 1.0 and prop < 0.9) or (cq == 0.0 and prop > 0.0):
                return words
    return None


#: words that name the sides of an agreement, a match or a dispute ("either party", "both teams")
_SIDES = frozenset("""side sides party parties team teams club clubs player players partner partners spouse spouses
parent parents country countries company companies firm firms candidate candidates government governments
nation nations camp camps group groups employer employers union unions landlord landlords tenant tenants
owner owners member members""".split())
#: what makes a sentence give an act to more than one party
_SHARED = frozenset({"either", "both", "each", "all", "parties", "neither", "any", "mutual", "mutually", "jointly",
                     "together", "sides", "teams", "we", "they"})
_JOINED = frozenset({"and", "or", "nor", "did", "does", "do", "with", "as", "than", "also"})
_PREPOSITIONS = frozenset({"by", "to", "for", "with", "from", "between", "of", "on", "against", "at", "in", "than"})


def _both_sides_subject(toks) -> tuple[int, int] | None:
    """(first, last) token of a subject that gives the act to every side: 'either side',
    'both parties', 'each team', 'both of them'; None where the phrase is an object ('agreed by
    both parties') or is not followed by its verb."""
    for i, t in enumerate(toks):
        if t.text.lower() not in ("either", "both", "each"):
            continue
        if i > 0 and toks[i - 1].text.lower() in _PREPOSITIONS:
            continue
        k = i + 1
        if k < len(toks) and toks[k].text.lower() == "of":
            k += 1
        if k < len(toks) and toks[k].text.lower() in ("the", "them", "us"):
            k += toks[k].text.lower() == "the"
        if k >= len(toks) or not (toks[k].text.lower() in _SIDES or toks[k].text.lower() in ("them", "us")):
            continue
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if nxt is None or not nxt.text[:1].islower() or nxt.text.lower() in STOPWORDS - AUXILIARIES:
            continue
        return i, k
    return None


def _single_agent(sent, names=None) -> Token | None:
    """The one named party a sentence gives its act to: a capitalised subject before its first
    verb ("The Licensee may terminate", "Leeds scored"), with no second party joined to it and
    no other name in the sentence acting on its own ("..., and York equalised")."""
    def acts(q: int) -> bool:
        for r in range(q + 1, min(len(sent), q + 3)):
            low = sent[r].text.lower()
            if low in AUXILIARIES:
                return True
            if sent[r].text[:1].islower():
                return is_content(sent[r]) and low not in STOPWORDS and (low.endswith(("ed", "es")) or low in _IRREGULAR)
        return False
    subject = None
    for q, t in enumerate(sent):
        low = t.text.lower()
        if low in _SHARED or low in ("and", "or"):
            return None
        if t.is_number or low in ("the", "a", "an") or (low in STOPWORDS and t.text[:1].isupper()):
            continue
        if t.text[:1].isupper() and low not in MONTHS and low not in TITLES:
            named = t.norm in names if names else q > 0
            if acts(q) and (named or (q > 0 and sent[q - 1].text.lower() == "the")):
                subject = q
                break
            continue
        return None  # the sentence does not open with a named party
    if subject is None:
        return None
    for q, t in enumerate(sent):
        if q == subject or not t.text[:1].isupper() or t.norm == sent[subject].norm:
            continue
        if t.text.lower() in _SHARED or (q > subject and acts(q) and t.text.lower() not in STOPWORDS):
            return None
        if any(u.text.lower() in _JOINED for u in sent[max(0, q - 2):q]):
            return None  # another party joined to the act ("..., and so did Hart", "with York")
    if any(t.text.lower() in _SHARED for t in sent):
        return None
    return sent[subject]


def _one_side_only(ctx: ClaimContext) -> tuple[int, int, Token] | None:
    """'either side may end the agreement for convenience' where the source sentence that best
    matches the act ('The Licensee may terminate this Agreement for convenience on 90 days'
    notice') gives it to one party, and no sentence that matches it as well says 'either
    party', 'both' or 'each'."""
    toks = ctx.tokens
    subj = _both_sides_subject(toks)
    if subj is None:
        return None
    a, b = subj
    pred = {t.norm for t in toks[b + 1:] if is_content(t) and t.text.lower() not in AUXILIARIES
            and t.text.lower() not in LIGHT and not is_negation(t)}
    if len(pred) < 3:
        return None
    scored = []
    for sent in ctx.source_sentences:
        stems = {t.norm for t in sent}
        scored.append((len(pred & stems), sent))
    if not scored:
        return None
    top = max(n for n, _ in scored)
    if top < 3:
        return None
    best = [sent for n, sent in scored if n == top]
    if any(any(t.text.lower() in _SHARED for t in sent) for sent in best) or len(best) > 1:
        return None
    agent = _single_agent(best[0], ctx.source_names)
    if agent is None:
        return None
    return a, b, agent


@check("quantifier", -1, explicit=True)
def check_quantifier(ctx: ClaimContext) -> Finding:
    """'all' where the evidence says 'about a third'; 'none' where it says 'some'; 'most'
    where it says 'a minority'; 'either side' or 'both parties' where the source gives the act
    to one party (_one_side_only)."""
    toks = ctx.tokens
    blamed, reasons = [], []
    for i, t in enumerate(toks):
        low = t.text.lower()
        if low not in _QUANT_SCALE or low == "no" and i + 1 < len(toks) and toks[i + 1].text.lower() == "longer":
            continue
        cq = _QUANT_SCALE[low]
        if low in _PRONOUN_QUANT:
            words = _universal_against_part(ctx, i, cq)
            if words:
                blamed.append(i)
                reasons.append(f"'{t.text}' where the evidence says '{words}'")
                continue
        # "every one of the tasters", "each single one", "all of the staff": the head is further on
        reach = 6 if i + 1 < len(toks) and toks[i + 1].text.lower() in ("one", "single", "of") else 4
        head = [k for k in range(i + 1, min(len(toks), i + reach)) if is_content(toks[k])
                and toks[k].text.lower() not in _QUANT_SCALE and not is_number_token(toks[k])]
        if not head:
            continue
        hs = {toks[k].norm for k in head}
        for unit in ctx.evidence_units:
            mine = set().union(*(_labels_after(toks, k) for k in head))
            for p, e in enumerate(unit):
                if e.norm not in hs:
                    continue
                theirs = _labels_after(unit, p)
                if mine and theirs and not mine & theirs:
                    continue  # "compartments C and D" against "none in compartment F": other ones
                eq, word = _proportion_before(unit, p)
                if eq is None:
                    continue
                wrong = (cq == 1.0 and eq < 0.9) or (cq == 0.0 and eq > 0.0) or (cq == 0.75 and eq < 0.5)
                if wrong:
                    blamed.append(i)
                    reasons.append(f"'{t.text} {toks[head[0]].text}' where the evidence says '{word} "
                                   f"... {e.text}'")
                break
            if blamed and blamed[-1] == i:
                break
    one = _one_side_only(ctx)
    if one is not None and not blamed:
        a, b, agent = one
        blamed += list(range(a, b + 1))
        reasons.append(f"'{' '.join(x.text for x in toks[a:b + 1])}' where the source gives it to "
                       f"'{agent.text}' only")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


def _is_past(tok: Token) -> bool:
    low = tok.text.lower()
    return (low.endswith("ed") and len(low) > 4) or low in _IRREGULAR


@check("modality", -1, explicit=True)
def check_modality(ctx: ClaimContext) -> Finding:
    """The evidence says an event is planned, possible or conditional; the claim states it
    as done ("the pilot started" where it "will start if the board agrees")."""
    toks = ctx.tokens
    blamed, reasons = [], []
    claim_modal = {i for i, t in enumerate(toks) if t.text.lower() in lx.MODAL}
    for i in ctx.content:
        t = toks[i]
        if not t.text[:1].islower() or is_negation(t) or any(is_negation(u) for u in toks[max(0, i - 3):i]):
            continue
        prev = [u.text.lower() for u in toks[max(0, i - 2):i] if not u.text.lower().endswith("ly")]
        if prev and prev[-1] in ("is", "are", "be", "being", "am"):
            continue  # "a study is needed": a present state, not a claim that something was done
        if not _is_past(t) or any(k in claim_modal for k in range(max(0, i - 4), min(len(toks), i + 4))):
            continue
        if i > 0 and (toks[i - 1].text.lower() in _DETERMINERS or
                      (i > 1 and "-" in toks[i - 1].text and toks[i - 2].text.lower() in _DETERMINERS)):
            continue  # "a late-summer cut", "the set": a noun, not a deed done
        bst = base_stem(t.text)
        marked, plain = None, False
        args = _arguments(toks, i)
        for unit in ctx.evidence_units:
            for p, e in enumerate(unit):
                if base_stem(e.text) != bst and root(e.norm) != root(bst):
                    continue
                if args and not args & _arguments(unit, p):
                    continue  # the same verb of another thing ("produced 46 interviews", "may produce a podcast")
                window = []
                for u in reversed(unit[max(0, p - 4):p]):
                    if u.text.lower() in ("and", "or", "but", "which", "who", "that", "after", "before"):
                        break
                    if u.text.lower() not in ("to", "be", "been", "being", "not"):
                        window.append(u)
                window = window[:2]
                after = unit[p + 1:p + 4]
                # "can" is ability and "if" a rule's condition ("if you cancel within 14 days"): neither
                # says the event has not happened
                past = any(u.text.lower() in ("was", "were", "had", "did") for u in window)
                mk = next((u for u in window if u.text.lower() in lx.MODAL
                           and u.text.lower() not in ("can", "if", "unless", "whether")
                           and not (past and u.text.lower() in ("later", "next", "set", "due"))), None) or \
                    next((u for u in after if u.text.lower() in ("next", "later", "soon")), None)
                if mk is None:
                    plain = True
                elif marked is None:
                    marked = (mk, e)
        if marked is not None and not plain:
            mk, e = marked
            blamed.append(i)
            reasons.append(f"the evidence says '{mk.text} ... {e.text}' (not done, or not certain), the claim "
                           f"states '{t.text}' as done")
    for mk, i, h, e in _raised_certainty(ctx):
        if i in blamed:
            continue
        blamed += [mk, i]
        reasons.append(f"the source says '{h.text} ... {e.text}' (possible, not certain), the claim says "
                       f"'{toks[mk].text} {toks[i].text}'")
    return Finding(float(bool(blamed)), tuple(sorted(set(blamed))), tuple(reasons))


#: what makes a statement certain: a future or an obligation stated outright, or a present
#: progressive ("is affecting") where the evidence says "may affect"
_CERTAIN = frozenset({"will", "must", "shall", "wo"})
_PROGRESSIVE = frozenset({"is", "are", "was", "were"})
#: what leaves it uncertain or unrealised (a strict subset of lexicon.MODAL: no "will")
_HEDGED = frozenset("""may might could possibly perhaps maybe likely unlikely expected expects expect plans plan
planned intends intend intended hopes hope hoped aims aim considering consider considered proposed proposes
if unless whether potentially""".split())


def _arguments(tokens, i: int, width: int = 4) -> set[str]:
    """Stems of the content words around position ``i`` (its subject and object, roughly)."""
    return {u.norm for u in list(tokens[max(0, i - width):i]) + list(tokens[i + 1:i + 1 + width])
            if is_content(u) and u.text.lower() not in LIGHT and u.text.lower() not in AUXILIARIES
            and not is_negation(u)}


def _source_sentences_with(ctx: ClaimContext, bst: str) -> list[list[Token]]:
    """Every source sentence holding a word of stem ``bst`` (outside the evidence and the
    sentences around it): certainty is judged against every mention of the act, not only
    those the retriever picked."""
    seen = {u[0].start for u in (*ctx.evidence_units, *ctx.context_units) if len(u)}
    src = list(ctx.source_tokens)
    out = []
    for k, t in enumerate(src):
        if t.text[:1].isalpha() and (base_stem(t.text) == bst or root(base_stem(t.text)) == root(bst)):
            sent, _ = _sentence_of(src, k)
            if sent and sent[0].start not in seen:
                seen.add(sent[0].start)
                out.append(sent)
    return out


def _raised_certainty(ctx: ClaimContext) -> list[tuple[int, int, Token, Token]]:
    """(marker, verb, evidence hedge, evidence verb): the claim says 'will recover' or 'must
    agree' or 'is affecting' where every evidence mention of the verb is hedged ('could
    recover', 'may agree', 'may affect')."""
    toks = ctx.tokens
    out = []
    for i, t in enumerate(toks):
        if not t.text[:1].islower() or not is_content(t) or is_number_token(t) or t.text.lower() in LIGHT:
            continue
        prev = [k for k in range(max(0, i - 3), i) if not toks[k].text.lower().endswith("ly")
                and toks[k].text.lower() not in ("be", "also", "then", "now", "soon")]
        if not prev:
            continue
        mk = prev[-1]
        low = toks[mk].text.lower()
        if not (low in _CERTAIN or (low in _PROGRESSIVE and t.text.lower().endswith("ing"))):
            continue
        if any(is_negation(u) or u.text.lower() in _HEDGED for u in toks[max(0, i - 5):i]):
            continue
        bst = base_stem(t.text)
        if t.text.lower().endswith("ing"):
            bst = base_stem(t.text[:-3]) if len(t.text) > 6 else bst
        hedge, plain = None, False
        args = _arguments(toks, i)
        for unit in (*ctx.evidence_units, *ctx.context_units, *_source_sentences_with(ctx, bst)):
            for p, e in enumerate(unit):
                est = base_stem(e.text)
                if est != bst and root(est) != root(bst) and not (e.text.lower().endswith("ing")
                                                                   and base_stem(e.text[:-3]) == bst):
                    continue
                if args and not args & _arguments(unit, p):
                    continue
                window = [u for u in unit[max(0, p - 4):p]]
                h = next((u for u in reversed(window) if u.text.lower() in _HEDGED), None)
                if h is None and (p == 0 or unit[p - 1].text.lower() in ("a", "an", "the", "any")):
                    # the act named as the subject, its hedge after it ("Switch to oral may be
                    # considered", "A rate cut could follow")
                    h = next((u for u in unit[p + 1:p + 5] if u.text.lower() in _HEDGED), None)
                if h is None:
                    plain = True
                elif hedge is None:
                    hedge = (h, e)
        if hedge is None and not plain:
            hedge = _hedged_same_act(ctx, toks, i)
        if hedge is not None and not plain:
            out.append((mk, i, hedge[0], hedge[1]))
    return out


def _hedged_same_act(ctx: ClaimContext, toks, i: int) -> tuple[Token, Token] | None:
    """(hedge, verb) of an evidence sentence that states the claim's act at ``i`` in other words
    but with the same object after the verb, under a hedge ("will shut the advert early" against
    "may close the advert early if ..."): two or more content words right after both verbs
    match, and no evidence sentence states that object after an unhedged verb."""
    after = [u.norm for u in toks[i + 1:i + 7] if is_content(u) and u.text.lower() not in LIGHT][:3]
    if len(after) < 2:
        return None
    found = None
    for unit in ctx.evidence_units:
        for p in range(1, len(unit) - 2):
            e = unit[p]
            if not e.text[:1].islower() or not is_content(e) or e.text.lower() in LIGHT or is_negation(e):
                continue
            theirs = [u.norm for u in unit[p + 1:p + 7] if is_content(u) and u.text.lower() not in LIGHT][:3]
            if not theirs or theirs[0] != after[0] or len(set(after) & set(theirs)) < 2:
                continue  # the object must start right after both verbs
            h = next((u for u in reversed(unit[max(0, p - 2):p]) if u.text.lower() in _HEDGED), None)
            if h is None:
                return None  # the evidence states it outright somewhere
            found = found or (h, e)
    return found


_BE = BE_FORMS | {"isn't", "aren't", "wasn't", "weren't"}
_CLAUSE_BREAK = frozenset({"but", "while", "whereas", "although", "though", "however", "yet", "which", "who"})
_COME = frozenset({"come", "comes", "came", "coming"})
#: after "is not": what a thing is not, like "included" ("Windows on ARM is not supported yet")
_AVAILABLE = frozenset({"supported", "available", "offered", "provided", "compatible"})
#: one word for the same ("Windows on ARM is unsupported")
_UNAVAILABLE = frozenset({"unsupported", "unavailable", "incompatible"})
#: a claim's verbs that give a thing to what it describes, like "including" ("3.8 brings native
#: builds for Windows on ARM", "the plan offers payroll")
_OFFER = frozenset({"brings", "bring", "brought", "adds", "add", "added", "supports", "support", "offers", "offer",
                    "offered", "provides", "provide", "introduces", "introduce", "introduced", "features", "ships",
                    "gains", "gain", "gained", "enables", "enable"})


def _exclusion_marker(t: Token) -> bool:
    low = t.text.lower()
    return is_negation(t) or low in lx.EXCLUSION or low == "separately" or low in _UNAVAILABLE


def _excluded_scope(unit, j: int) -> dict[str, Token]:
    """What an exclusion marker at ``j`` excludes: the words after it ("does not cover agency
    drivers"; a heading "Not included: A, B and C" up to the end of its sentence), and the
    subject before "are excluded", "is not included" or "is sold separately"."""
    e = unit[j].text.lower()
    heading = j <= 1 and (e in lx.EXCLUSION or (is_negation(unit[j]) and j + 1 < len(unit)
                                                  and unit[j + 1].text.lower() in lx.INCLUSION))
    ks = _scope(unit, j, width=len(unit)) if heading else _scope(unit, j)
    passive = None
    if e in lx.EXCLUSION or e == "separately" or e in _UNAVAILABLE:
        passive = j - 1 if j >= 1 and unit[j - 1].text.lower() in _BE else None
        if e == "separately" and j >= 1 and unit[j - 1].text.lower() in ("sold", "available", "charged", "priced"):
            passive = j - 2 if j >= 2 and unit[j - 2].text.lower() in _BE else j - 1
    elif is_negation(unit[j]) and j + 1 < len(unit) and (unit[j + 1].text.lower() in lx.INCLUSION
                                                         or unit[j + 1].text.lower() in _AVAILABLE) and \
            j >= 1 and unit[j - 1].text.lower() in _BE:
        passive = j - 1
    if passive is not None:
        back = []
        for k in range(passive - 1, -1, -1):
            low = unit[k].text.lower()
            if low in _CLAUSE_BREAK or low in lx.INCLUSION or low in _BE:
                break
            if unit[k + 1].start - unit[k].end > 1:
                break  # punctuation between them ("in the box; the travel case is sold separately")
            if is_content(unit[k]) and not is_negation(unit[k]):
                back.append(k)
                if len(back) >= 6:
                    break
        ks = back + ks
    return {unit[k].norm: unit[k] for k in ks}


def _inclusion_before(toks, i: int, offer: bool = False) -> int | None:
    """The inclusion word ("including", "covers", "comes with"; with ``offer``, also a verb that
    gives a thing, "brings", "offers") that governs claim word ``i`` within its clause (a list
    "comes with A, B and C" included)."""
    for k in range(i - 1, max(-1, i - 13), -1):
        low = toks[k].text.lower()
        if low in _CLAUSE_BREAK or is_negation(toks[k]):
            return None
        if toks[k + 1].start - toks[k].end > 1 and toks[k + 1].text[:1].isupper():
            return None  # a sentence ends between them
        if low in lx.INCLUSION or (offer and low in _OFFER) or (low == "with" and k >= 1
                                                                and toks[k - 1].text.lower() in _COME):
            if any(is_negation(u) for u in toks[max(0, k - 2):k]):
                return None  # "Not included: ..."
            return k
    return None


@check("exclusion", -1, explicit=True)
def check_exclusion(ctx: ClaimContext) -> Finding:
    """The evidence excludes something ("does not cover agency drivers", "excluding VAT",
    "laptops are excluded", "sold separately") that the claim reports as included."""
    toks = ctx.tokens
    if any(_exclusion_marker(t) for t in toks):
        return NOTHING
    blamed, reasons = [], []
    for unit in ctx.evidence_units:
        for j, e in enumerate(unit):
            if not _exclusion_marker(e):
                continue
            scope = _excluded_scope(unit, j)
            for i, t in enumerate(toks):
                if t.norm not in scope or not is_content(t) or t.text.lower() in LIGHT:
                    continue
                inc = _inclusion_before(toks, i)
                if inc is not None and not any(_inclusion_before(u, p) is not None for u in ctx.evidence_units
                                               for p, x in enumerate(u) if x.norm == t.norm):
                    blamed += [inc, i]
                    reasons.append(f"the evidence says '{e.text} ... {scope[t.norm].text}', the claim includes it")
                    break
        if blamed:
            break
    if not blamed:
        blamed, reasons = _excluded_everywhere(ctx)
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


def _excluded_everywhere(ctx: ClaimContext) -> tuple[list[int], list[str]]:
    """A name the claim includes ("brings native builds for Windows on ARM") that every source
    sentence holding it excludes ("Windows on ARM is not supported yet"), wherever the retriever
    found the claim's evidence. Only capitalised names: a common word is excluded in one place and
    included in another too often to tell."""
    toks = ctx.tokens
    cands = [(i, inc) for i, t in enumerate(toks)
             if t.text[:1].isupper() and i > 0 and is_content(t)
             and (inc := _inclusion_before(toks, i, offer=True)) is not None]
    if not cands:
        return [], []
    sents = ctx.source_sentences
    for i, inc in cands:
        w = toks[i].norm
        holders = [u for u in sents if any(x.norm == w for x in u)]
        said = []
        for u in holders:
            hit = next(((e, sc[w]) for j, e in enumerate(u) if _exclusion_marker(e)
                        and w in (sc := _excluded_scope(u, j))), None)
            if hit is None:
                break
            said.append(hit)
        if holders and len(said) == len(holders):
            e, x = said[0]
            return [inc, i], [f"the source says '{x.text} ... {e.text}', the claim includes it"]
    return [], []


@check("possession", -1, explicit=True)
def check_possession(ctx: ClaimContext) -> Finding:
    """'its land' where the evidence speaks of land that was captured or that belongs to
    someone else ("capturing land", "Russian territory")."""
    toks = ctx.tokens
    names = ctx.names
    blamed, reasons = [], []
    for i, t in enumerate(toks[:-1]):
        if t.text.lower() not in ("its", "their", "his", "her"):
            continue
        k = i + 1
        if toks[k].text.lower() == "own" and k + 1 < len(toks):
            k += 1
        noun = toks[k]
        if not is_content(noun) or noun.is_number or noun.text.lower() in NUMBER_WORDS:
            continue  # "her 19th", "his 147th": a count, not a thing owned
        # the owner is the claim's subject: its first name (a month or a title is no owner)
        owner = next((n for n in range(i) if toks[n].text.lower() not in MONTHS and toks[n].text.lower() not in TITLES
                      and (n in names or (toks[n].text[:1].isupper() and toks[n].norm not in STOPWORDS))), None)
        if owner is None:
            continue
        own_group = {toks[owner].norm} | lx.demonym_groups().get(toks[owner].norm, frozenset())
        for unit in ctx.evidence_units:
            for p, e in enumerate(unit):
                if e.norm != noun.norm:
                    continue
                prev = [u for u in unit[max(0, p - 2):p]]
                taker = next((u for u in prev if u.text.lower() in lx.SEIZING), None)
                other = next((u for u in prev if u.text[:1].isupper() and u.norm not in own_group
                              and (u.norm in lx.demonym_groups() or u.text.endswith(("'s", "\u2019s")))), None)
                if taker is not None or other is not None:
                    blamed += [i, k]
                    what = f"'{(taker or other).text} {e.text}'"
                    reasons.append(f"'{t.text} {noun.text}' gives the {noun.text} to {toks[owner].text}; the "
                                   f"evidence speaks of {what}")
                    break
            if blamed:
                break
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))
