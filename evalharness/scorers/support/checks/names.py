"""Names and roles: a name the source lacks or the evidence does not give, an abbreviation
the source spells out, two names or numbers that swap roles, an action given to the wrong
agent."""

from __future__ import annotations

import re

from ...text import STOPWORDS, Token, is_content, stem
from .. import lexicon as lx
from .context import (_IRREGULAR, AUXILIARIES, BE_FORMS, IRREGULAR_MORE, LIGHT, TITLES, ClaimContext, Finding,
                      WordSet, base_stem, is_negation, verb_lemma)
from .mentions import MONTHS, is_number_token
from .registry import check

def _name_starts(ctx: ClaimContext) -> list[int]:
    """The first token of each (multi-word) name in the claim."""
    toks, names = ctx.tokens, set(ctx.names)
    return [i for i in ctx.names if not (i - 1 in names and toks[i - 1].end + 1 >= toks[i].start)]

def acronym_in(word: str, source) -> bool:
    """An abbreviation the source spells out: 'ECB' for 'European Central Bank', 'IP' for
    'intellectual property', 'IV' for 'intravenous' (a standard abbreviation, lexicon), 'PhDs'
    for 'doctorates'."""
    core = re.sub(r"(?:['\u2019]s|s)$", "", word) if len(word) > 2 else word
    letters = core.lower()
    if not (2 <= len(letters) <= 6 and letters.isalpha() and sum(ch.isupper() for ch in core) >= 2):
        return False
    src = source if isinstance(source, WordSet) else WordSet(source)
    if any(stem(w) in src.bases or base_stem(w) in src.bases for w in lx.ABBREVIATIONS.get(letters, ())):
        return True
    return letters in src.initials


_ORIGIN = re.compile(r"[A-Z][a-z]+(?:ish|ian|ese|ean|an|i)(?:-[a-z]+)?")


def _unplaced_demonym(tok: Token, ctx: ClaimContext) -> bool:
    """A nationality, country or regional adjective ('Italian', 'Bulgarian-born', 'Cornish')
    whose evidence names no other country: the source's places ("a Milan firm") may well be
    in it, and only world knowledge can tell, so the name check does not call it invented. A
    different country than the one its evidence names is still caught."""
    groups = lx.demonym_groups()
    head = tok.text.split("-")[0]
    own = groups.get(tok.norm) or groups.get(stem(head))
    if own is None and not _ORIGIN.fullmatch(tok.text):
        return False
    def country(u, k: int) -> bool:
        # a country's name, not a person's first name ("Jordan Okoye", "Georgia Hart")
        t = u[k]
        return t.norm in groups and (own is None or t.norm not in own) and not (
            k + 1 < len(u) and u[k + 1].text[:1].isupper() and u[k + 1].norm not in groups)
    return not any(country(u, k) for u in ctx.evidence_units for k in range(len(u)))


def _common_word(tok: Token, ctx: ClaimContext) -> bool:
    """A capitalised ordinary word rather than a name: a verb form opening a clause ('Using',
    'Answering') or a word the source itself writes in lower case."""
    low = tok.text.lower()
    if low.endswith("ing") and len(low) > 4 and not tok.text.isupper():
        return True
    return low in ctx.src.lower_words


def _role_before_name(i: int, ctx: ClaimContext) -> bool:
    """The summary's first word, capitalised, before a name the source has: a role or title
    ('Substitute Tariq Bello', 'Striker Ana Ruiz'), not a name of its own."""
    toks = ctx.tokens
    return i == 0 and len(toks) > 1 and toks[1].text[:1].isupper() and ctx.src.has(toks[1])


@check("novel_entity", -1, explicit=True)
def check_novel_entity(ctx: ClaimContext) -> Finding:
    bad = [i for i in ctx.names if not ctx.src.has(ctx.tokens[i])
           and not acronym_in(ctx.tokens[i].text, ctx.src)
           and not _unplaced_demonym(ctx.tokens[i], ctx) and not _common_word(ctx.tokens[i], ctx)
           and not _role_before_name(i, ctx)]
    return Finding(float(bool(bad)), tuple(bad),
                   tuple(f"the name '{ctx.tokens[i].text}' is not in the source" for i in bad))


def _cased(tokens) -> bool:
    """Whether a text writes names with capitals (a capitalised word after its first): then
    a word it writes in lower case is no name, whatever the source capitalises ("Treasurer:",
    "Agent:" as speaker labels)."""
    return any(t.text[:1].isupper() for t in tokens[1:])


@check("misplaced_entity", -1, soft_blame=2)
def check_misplaced_entity(ctx: ClaimContext) -> Finding:
    cased = _cased(ctx.tokens)
    bad = [i for i in ctx.names if ctx.src.has(ctx.tokens[i]) and not ctx.ev.has(ctx.tokens[i])
           and not (cased and ctx.tokens[i].text[:1].islower())
           and i not in ctx.paraphrased_idx and not (ctx.context_stems and ctx.tokens[i].norm in ctx.context_stems)]
    return Finding(float(bool(bad)), tuple(bad),
                   tuple(f"the name '{ctx.tokens[i].text}' is in the source, but not in the evidence for this claim"
                         for i in bad))


#: words that may sit between a party's name and the term it is given ('Acme Corp (hereinafter
#: referred to as "the Buyer")')
_DEFINING = frozenset({"the", "hereinafter", "hereafter", "referred", "to", "as", "called", "known"})
#: company-form words that end a party's name in lower case ("Keel & Harrow Shipping plc")
_COMPANY_FORMS = frozenset({"ltd", "plc", "llc", "llp", "lp", "inc", "co", "corp", "gmbh", "ag", "sa", "bv", "nv",
                            "limited", "pty", "srl", "spa"})


def _cap_word(t: Token) -> bool:
    return t.text[:1].isupper() and t.text.lower() not in STOPWORDS and not t.is_number


def _party_before(toks, k: int) -> list[Token]:
    """The name that ends at token ``k``: capitalised words and company forms, read backwards
    while only a space or an ampersand separates them ("Keel & Harrow Shipping plc")."""
    out: list[Token] = []
    q = k
    while q >= 0 and len(out) < 6:
        t = toks[q]
        if not (_cap_word(t) or (out and t.text.lower() in _COMPANY_FORMS) or (not out and t.text.lower() in _COMPANY_FORMS)):
            break
        out.append(t)
        if q == 0 or toks[q].start - toks[q - 1].end not in (1, 3):
            break  # more than a space or " & " before it: punctuation ends the name
        q -= 1
    out.reverse()
    while out and out[0].text.lower() in _COMPANY_FORMS:
        out.pop(0)
    return out if any(_cap_word(t) for t in out) else []


def _define(toks) -> dict[str, frozenset]:
    """Defined terms of a text: the head of each term (a capitalised word the text also uses
    elsewhere after "the") -> the stems of the party it names. Read from the punctuation
    gaps, since tokens carry none: 'Brightwater Analytics Ltd (the "Licensor")', 'Acme Corp
    ("the Buyer")', 'Acme Corp, hereinafter "the Contractor"', and 'the Tenant, Jo Smith,'."""
    found: dict[str, set] = {}
    n = len(toks)
    for k in range(n - 1):
        # NAME (the "TERM"): a name, punctuation, defining words, a capitalised term, punctuation
        if _cap_word(toks[k]) or toks[k].text.lower() in _COMPANY_FORMS:
            if toks[k + 1].start - toks[k].end < 2:
                continue
            q = k + 1
            while q < n and toks[q].text.lower() in _DEFINING and q - k <= 5:
                q += 1
            r = q
            while r < n and _cap_word(toks[r]) and r - q < 3 and (r == q or toks[r].start - toks[r - 1].end == 1):
                r += 1
            if r == q or (r < n and toks[r].start - toks[r - 1].end < 2) or r - q > 3:
                continue
            if q > k + 1 and toks[k + 1].text.lower() not in _DEFINING:
                continue
            party = _party_before(toks, k)
            if party:
                found.setdefault(toks[r - 1].norm, set()).add(frozenset(t.norm for t in party if _cap_word(t)
                                                                        and t.text.lower() not in _COMPANY_FORMS))
    for k in range(n - 2):
        # the TERM, NAME,: an apposition after a capitalised term ("the Tenant, Jo Smith, must")
        if toks[k].text.lower() != "the" or not _cap_word(toks[k + 1]) or toks[k + 2].start - toks[k + 1].end != 2:
            continue
        r = k + 2
        while r < n and _cap_word(toks[r]) and (r == k + 2 or toks[r].start - toks[r - 1].end == 1) and r - k < 6:
            r += 1
        if r - k - 2 < 2 or (r < n and toks[r].start - toks[r - 1].end < 2 and toks[r].text[:1].isupper()):
            continue  # one capitalised word ("the Board, Finance") is no person's name
        found.setdefault(toks[k + 1].norm, set()).add(frozenset(t.norm for t in toks[k + 2:r]
                                                                if t.text.lower() not in _COMPANY_FORMS))
    used: dict[str, int] = {}
    for k in range(1, n):
        if toks[k - 1].text.lower() == "the" and toks[k].text[:1].isupper() and toks[k].norm in found:
            used[toks[k].norm] = used.get(toks[k].norm, 0) + 1
    # a term used as a term (twice after "the") and naming one party only
    return {term: next(iter(parties)) for term, parties in found.items()
            if len(parties) == 1 and used.get(term, 0) >= 2 and term not in next(iter(parties))}


_TERMS_MEMO: dict[int, tuple] = {}


def defined_terms(ctx: ClaimContext) -> dict[str, frozenset]:
    """The source's defined terms (see _define), computed once per source."""
    key = id(ctx.source_tokens[0]) if ctx.source_tokens else 0
    hit = _TERMS_MEMO.get(key)
    if hit is not None and hit[0] is ctx.source_tokens[0] and hit[1] == len(ctx.source_tokens):
        return hit[2]
    out = _define(ctx.source_tokens) if ctx.source_tokens else {}
    if len(_TERMS_MEMO) > 16:
        _TERMS_MEMO.clear()
    if ctx.source_tokens:
        _TERMS_MEMO[key] = (ctx.source_tokens[0], len(ctx.source_tokens), out)
    return out


_ROUTE = frozenset({"to", "from", "via", "through", "and", "-", "\u2013", "between", "towards", "toward", "into",
                    "onto", "vs", "versus", "or", "then"})


def _route(tokens, a: int, b: int) -> bool:
    """Two anchors joined only by route or pair words ("Leeds to York", "London-Paris"):
    their order is that of a route or a list, which a paraphrase may reverse."""
    between = [t.text.lower() for t in tokens[a + 1:b]]
    return all(w in _ROUTE or not is_content(tokens[a + 1 + k]) for k, w in enumerate(between)) and \
        any(w in _ROUTE for w in between) or (a > 0 and tokens[a - 1].text.lower() in ("from", "between")
                                              and all(w in _ROUTE or w in STOPWORDS for w in between))


def _role_swaps(claim_tokens, anchors: list[int], evidence_units, claim_text: str | None = None,
                base: int = 0, terms: dict | None = None) -> list[tuple[int, int]]:
    """Pairs of anchors (names, numbers) that share an evidence sentence with the
    claim but appear there in the opposite order, linked in both by the same
    ordinary word (so "A beat B" against "B beat A" counts, while a passive
    paraphrase "B was beaten by A" does not). Anchors must be close in both. A defined
    term of the source ("the Licensor", ``terms``) stands for the party it names; a
    contract's sentence may set a long clause between its parties."""
    out = []
    for unit_tokens in evidence_units:
        pos: dict[str, int] = {}
        aliased: set[str] = set()
        for j, t in enumerate(unit_tokens):
            pos.setdefault(t.norm, j)
            if terms and t.text[:1].isupper() and t.norm in terms:
                for st in terms[t.norm]:
                    if st not in pos:
                        pos[st] = j
                        aliased.add(st)
        norms = [t.norm for t in unit_tokens]
        for x in range(len(anchors)):
            for y in range(x + 1, len(anchors)):
                a, b = anchors[x], anchors[y]
                if b - a > 7:
                    continue
                na, nb = claim_tokens[a].norm, claim_tokens[b].norm
                if na == nb or na not in pos or nb not in pos:
                    continue
                if pos[na] <= pos[nb] or pos[na] - pos[nb] > (24 if {na, nb} & aliased else 9):
                    continue
                link = claim_tokens[a + 1:b]
                if claim_text is not None and re.search(r"[,;:()]", claim_text[claim_tokens[a].end - base:
                                                                                claim_tokens[b].start - base]):
                    continue  # an apposition or relative clause reorders without swapping roles
                if any(t.text.lower() == "by" for t in link) or "by" in norms[pos[nb] + 1:pos[na]]:
                    continue
                if all(t.text.lower() in TITLES or not is_content(t) for t in link):
                    continue  # "Guild general secretary Brenda Kaye" = "Brenda Kaye, general secretary of the Guild"
                if _route(claim_tokens, a, b) or _route(unit_tokens, pos[nb], pos[na]):
                    continue  # two places of a route or a pair ("Leeds to York", "between A and B")
                linking = {t.norm for t in link if is_content(t) and t.text[:1].islower()}
                if linking & set(norms[pos[nb] + 1:pos[na]]):
                    out.append((a, b))
        if out:
            break
    return out


# -- comparisons: "A cancels noise better than B" against "B beats A at noise cancelling" ---

#: a comparison whose first side wins ("better than", "beat", "wins"); WORSE: whose second side wins
_WIN = frozenset({"better", "superior", "wins", "win", "won", "winner", "beat", "beats", "beaten", "outperform",
                  "outperforms", "outperformed", "outscored", "outscores", "outplayed", "outsold", "outsells",
                  "outlasts", "outlasted", "defeat", "defeats", "defeated", "edges", "edged", "trumps"})
_WORSE = frozenset({"worse", "inferior", "lost", "loses", "trails", "trailed"})
_NOT_COMPARATIVE = frozenset({"rather", "other", "sooner", "never", "ever", "under", "over", "after", "order",
                              "number", "member", "either", "whether", "neither", "together", "later", "per"})
_CLAUSE_BREAKS = frozenset({"but", "whereas", "while", "although", "though", "however", "yet", "and"})
_POSSESSIVES = frozenset({"the", "its", "his", "her", "their", "my", "our", "your", "old", "new", "a", "an"})


def _cap_name(t: Token) -> bool:
    return t.text[:1].isupper() and t.text.lower() not in STOPWORDS and t.text.lower() not in TITLES \
        and t.text.lower() not in MONTHS and not t.is_number


def _run_at(toks, k: int) -> tuple[int, int]:
    """The name run (capitalised words and numbers after one: "Solace Buds 2") around ``k``."""
    a = k
    while a > 0 and _cap_name(toks[a - 1]) and toks[a].start - toks[a - 1].end == 1:
        a -= 1
    b = k
    while b + 1 < len(toks) and (_cap_name(toks[b + 1]) or (toks[b + 1].is_number and b + 1 - a < 4)) \
            and toks[b + 1].start - toks[b].end == 1:
        b += 1
    return a, b


def _side_before(toks, k: int, reach: int = 8) -> tuple[int, int] | None:
    """The name that is the subject of the comparison word at ``k``: the nearest name before
    it in its clause."""
    for q in range(k - 1, max(-1, k - reach - 1), -1):
        low = toks[q].text.lower()
        if low in _CLAUSE_BREAKS or low in ("than", "by", "which", "who", "that", "whom"):
            return None
        if _cap_name(toks[q]) and not (q == 0 and toks[q].text.lower() in _POSSESSIVES):
            return _run_at(toks, q)
    return None


def _side_after(toks, k: int) -> tuple[int, int] | None:
    """The name right after ``k`` ("than the Solace Buds 2", "beat Eastmoor"); None where it
    is followed by its own verb (a clause about another thing: "than York conceded")."""
    q = k + 1
    while q < len(toks) and toks[q].text.lower() in _POSSESSIVES and q - k <= 2:
        q += 1
    if q >= len(toks) or not _cap_name(toks[q]):
        return None
    a, b = _run_at(toks, q)
    nxt = toks[b + 1] if b + 1 < len(toks) else None
    if nxt is not None and nxt.text[:1].islower() and (nxt.text.lower().endswith("ed") or nxt.text.lower() in _IRREGULAR):
        return None
    return a, b


def _comparisons(toks) -> list[tuple[tuple[int, int], tuple[int, int] | None, str, int]]:
    """(winner, loser or None, key, position) of each comparison of named sides: 'A ... better
    than B', 'A is faster than B' (key: the comparative), 'A beat B', 'B was outperformed by
    A', 'A clearly wins' (key WIN; a loser of None)."""
    out = []
    for k, t in enumerate(toks):
        low = t.text.lower()
        if k + 1 < len(toks) and toks[k + 1].text.lower() == "than" and low not in _NOT_COMPARATIVE and \
                (low in _WIN or low in _WORSE or low in ("more", "less", "fewer")
                 or (low.endswith("er") and len(low) > 4 and low.isalpha())):
            x, y = _side_before(toks, k), _side_after(toks, k + 1)
            if x is None or y is None:
                continue
            if low in _WORSE:
                out.append((y, x, "WIN", k))
            elif low in _WIN:
                out.append((x, y, "WIN", k))
            else:
                out.append((x, y, base_stem(low), k))
            continue
        if low in ("more", "less", "fewer") and k + 2 < len(toks) and toks[k + 2].text.lower() == "than":
            x, y = _side_before(toks, k), _side_after(toks, k + 2)
            if x is not None and y is not None:
                out.append((x, y, f"{low}:{base_stem(toks[k + 1].text)}", k))
            continue
        if low not in _WIN and low not in _WORSE:
            continue
        if k + 1 < len(toks) and toks[k + 1].text.lower() == "by":
            # a passive: "B was outperformed by A"
            x, y = _side_before(toks, k), _side_after(toks, k + 1)
            if x is not None and y is not None and low in _WIN and low not in ("better", "superior", "wins", "win"):
                out.append((y, x, "WIN", k))
            continue
        x = _side_before(toks, k, reach=3)
        if x is None or any(toks[q].text[:1].islower() and toks[q].text.lower() not in AUXILIARIES
                            and not toks[q].text.lower().endswith("ly") for q in range(x[1] + 1, k)):
            continue  # the word's subject is not the name ("the update reset my settings")
        y = _side_after(toks, k) if low not in ("better", "superior", "worse", "inferior", "wins", "win",
                                                 "winner") else None
        if low in _WORSE:
            if y is not None:
                out.append((y, x, "WIN", k))
            continue
        out.append((x, y, "WIN", k))
    return out


def _norms(toks, run: tuple[int, int]) -> set[str]:
    return {toks[q].norm for q in range(run[0], run[1] + 1) if _cap_name(toks[q])}


def _clause(toks, k: int, width: int = 7) -> set[str]:
    """Stems of the content words around position ``k`` up to a clause break."""
    out = set()
    for step in (-1, 1):
        q = k + step
        while 0 <= q < len(toks) and abs(q - k) <= width:
            if toks[q].text.lower() in _CLAUSE_BREAKS - {"and"}:
                break
            if is_content(toks[q]) and toks[q].text[:1].islower():
                out.add(toks[q].norm)
            q += step
    return out


def _comparison_swaps(ctx: ClaimContext) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
    """(claim winner, claim loser (first and last token), the source's words): the claim says 'A ... better than B'
    where a source comparison of the same thing, naming both (a name written in part, "the
    Solace" for "Solace Buds 2", counts), gives the win to B, and none gives it to A. A
    comparison of the same thing is one whose words around it share a content word with the
    claim's, where the claim has such words."""
    toks = ctx.tokens
    claims = [c for c in _comparisons(toks) if c[1] is not None]
    if not claims:
        return []
    out = []
    units = ctx.source_sentences
    for cw, cl, key, ck in claims:
        wn, ln = _norms(toks, cw), _norms(toks, cl)
        if not wn or not ln or wn & ln:
            continue
        attrs = {toks[q].norm for q in range(cw[1] + 1, cl[0]) if is_content(toks[q]) and toks[q].text[:1].islower()
                 and toks[q].text.lower() not in _WIN and toks[q].text.lower() not in _WORSE
                 and toks[q].text.lower() not in AUXILIARIES and q != ck and toks[q].text.lower() != "than"}
        if not any(wn & {t.norm for t in u} for u in units):
            continue  # the source does not name the claim's winner at all
        swapped, same = None, False
        for u in units:
            for ew, el, ekey, ek in _comparisons(u):
                if ekey != key:
                    continue
                if attrs and not attrs & _clause(u, ek):
                    continue  # a comparison of another thing
                ewn = _norms(u, ew)
                eln = _norms(u, el) if el is not None else set()
                if ewn & wn and not ewn & ln:
                    same = True
                elif ewn & ln and not ewn & wn and (el is None or eln & wn):
                    swapped = swapped or " ".join(x.text for x in u[ew[0]:(el or (ek, ek))[1] + 1][:12])
        if swapped and not same:
            out.append((cw, cl, swapped))
    return out


@check("role_swap", -1, explicit=True)
def check_role_swap(ctx: ClaimContext) -> Finding:
    """Two names or numbers in the opposite roles ("Acme bought Zenith" against "Zenith bought
    Acme"; a defined term such as "the Licensor" stands for its party), or a comparison with
    its sides swapped (_comparison_swaps)."""
    anchors = sorted(set(_name_starts(ctx)) | {m.index for m in ctx.claim_numbers})
    swaps = _role_swaps(ctx.tokens, anchors, ctx.evidence_units, ctx.claim_text, ctx.claim_start,
                        defined_terms(ctx))
    blamed = [i for a, b in swaps for i in (a, b)]
    reasons = [f"'{ctx.tokens[a].text}' and '{ctx.tokens[b].text}' swap roles against the evidence" for a, b in swaps]
    if not swaps:
        for (a, a2), (b, b2), words in _comparison_swaps(ctx):
            blamed += [*range(a, a2 + 1), *range(b, b2 + 1)]
            reasons.append(f"the claim puts '{ctx.tokens[a].text}' ahead of '{ctx.tokens[b].text}'; the source "
                           f"says '{words}'")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


def _verb_after(tokens, i: int) -> int | None:
    """The first ordinary lower-case word after a name, skipping auxiliaries and adverbs."""
    for k in range(i + 1, min(len(tokens), i + 4)):
        low = tokens[k].text.lower()
        if low in AUXILIARIES or low.endswith("ly") or low in ("also", "then", "later", "not"):
            continue
        if tokens[k].text.lower() in ("said", "says", "told", "tells"):
            return k
        if tokens[k].text[:1].islower() and is_content(tokens[k]) and not is_number_token(tokens[k]):
            low = tokens[k].text.lower()
            after_aux = any(tokens[j].text.lower() in AUXILIARIES for j in range(i + 1, k))
            if after_aux or low.endswith(("ed", "es")) or low in _IRREGULAR or low in IRREGULAR_MORE:
                return k
            return None
        return None
    return None




def _passive(tokens, j: int, v: int) -> bool:
    """The verb at ``v`` after the name ending at ``j`` is passive ("has been told", "was
    given"): a form of "be" between them."""
    return any(tokens[k].text.lower() in BE_FORMS for k in range(j + 1, v))


def _name_after_by(unit, p: int, claim_name: set, ctx: ClaimContext):
    """The name that "by" gives an action to in the evidence ("trained by the archivist Lowenna
    Hicks" -> Lowenna), or None when it is the claim's name, absent, or a title only."""
    for k in range(p + 1, min(len(unit), p + 3)):
        if unit[k].text.lower() != "by":
            continue
        for q in range(k + 1, min(len(unit), k + 5)):
            t = unit[q]
            if t.norm in claim_name:
                return None
            if t.text[:1].isupper() and t.norm not in STOPWORDS and t.text.lower() not in TITLES \
                    and t.text.lower() not in MONTHS and not t.is_number:
                grp = lx.demonym_groups().get(t.norm, frozenset())
                return None if grp & claim_name or grp else t
            if t.text[:1].isupper() or (t.text.lower() not in STOPWORDS and t.text.lower() not in TITLES
                                         and not t.text[:1].islower()):
                return None
        return None
    return None


_WEAK_SLOTS = frozenset({"the", "a", "an", "and", "or", "of", "in", "on", "at", "to", "for", "with", "its", "his",
                         "her", "their", "our", "my", "that", "this", "is", "was"})


def _around(toks, a: int, b: int, width: int = 7) -> set[str]:
    """Stems of the content words within ``width`` tokens of the run a..b (names included)."""
    return {t.norm for t in (*toks[max(0, a - width):a], *toks[b + 1:b + 1 + width])
            if is_content(t) and not t.is_number and t.text.lower() not in AUXILIARIES}


def _name_elsewhere(ctx: ClaimContext, i: int, j: int, claim_norms: set[str]) -> Token | None:
    """The claim's name (tokens i..j) where the evidence puts another name in the same slot
    ("a Malawi study by Haushofer" against "In Malawi, a study by Baird and colleagues
    found ..."): the words around that name match the claim's words around its own name
    (by three or more, two more than any source mention of the claim's name), and the word
    right before both is the same slot word ("by", "said", "coach")."""
    toks = ctx.tokens
    if i == 0 or not toks[i].text[:1].isupper():
        return None  # a name the claim writes in lower case may be garbled text, not a claim about a name
    slot = toks[i - 1].text.lower()
    if slot in _WEAK_SLOTS or slot in TITLES or not slot.isalpha() or toks[i - 1].text[:1].isupper():
        return None
    around = _around(toks, i, j) - {toks[k].norm for k in range(i, j + 1)}
    name = {toks[k].norm for k in range(i, j + 1)}
    own = 0
    for sent in ctx.source_sentences:
        for q, t in enumerate(sent):
            if t.norm in name:
                own = max(own, len(around & _around(sent, q, q)))
    best, found = 0, None
    for unit in ctx.evidence_units:
        if any(t.norm in name for t in unit):
            continue  # the sentence names the claim's name too: the words around may be shared
        for q in range(1, len(unit)):
            t = unit[q]
            if unit[q - 1].text.lower() != slot or not _cap_name(t) or t.norm in claim_norms:
                continue
            a, b = _run_at(unit, q)
            if a != q or any(unit[k].norm in claim_norms for k in range(a, b + 1)):
                continue
            score = len(around & _around(unit, a, b))
            if score > best:
                best, found = score, t
    if found is None or best < 3 or best < own + 2:
        return None
    return found


#: speech and light verbs: who said, had or made something is no act a source gives one doer
_LIGHT_VERBS = frozenset(verb_lemma(w) for w in """say tell add claim be have make get do go come see know think feel
want need note state argue explain ask answer reply describe call speak comment warn remark respond confirm deny admit
believe suggest insist report announce seem become use include mean put set let keep give take""".split()) - {
    verb_lemma("give"), verb_lemma("take")}
#: adverbs that may sit between a doer and its verb ("Newcastle University now holds")
_VERB_ADVERBS = frozenset({"also", "then", "later", "now", "still", "already", "once", "since", "subsequently",
                           "eventually", "first", "jointly", "currently", "formally", "today"})
#: words that open a new clause: the act before them is not the act after them
_CLAUSE_WORDS = frozenset({"and", "but", "or", "while", "whereas", "which", "who", "whom", "whose", "that",
                           "because", "although", "though", "after", "before", "when", "since", "until", "if",
                           "unless", "so", "as", "where"})
#: words that open a verb's object ("holds her papers", "runs the club")
_OBJECT_OPENERS = frozenset({"the", "a", "an", "her", "his", "their", "its", "our", "my", "your", "this", "these",
                             "those", "all", "both", "every", "each", "some"})
#: words before a name that make it no subject ("a study by Baird found", "a letter to Acme says")
_NOT_SUBJECT = frozenset({"by", "from", "of", "with", "to", "for", "at", "in", "on", "against", "than", "over",
                          "under", "between", "into", "about", "via", "like", "behind", "beat", "beats", "defeated"})


def _act_after(toks, j: int) -> int | None:
    """The verb right after the name ending at ``j``, in its clause ("Newcastle University now
    holds", "Acme has bought", "Reyes led"): an -ed, -s or irregular form, or any word after an
    auxiliary; None where punctuation, a negation or a non-verb comes first."""
    for k in range(j + 1, min(len(toks), j + 4)):
        if toks[k].start - toks[k - 1].end != 1:
            return None  # punctuation: an apposition or another clause
        low = toks[k].text.lower()
        if is_negation(toks[k]) or low == "never":
            return None
        if low in AUXILIARIES or low in _VERB_ADVERBS or (low.endswith("ly") and len(low) > 4) or \
                (low in LIGHT and low not in _IRREGULAR and not low.endswith("ed") and low != "run"):
            continue  # "now holds", "just bought"; a light verb form ("led", "owned", "run") is a verb
        if not toks[k].text[:1].islower() or not is_content(toks[k]) or is_number_token(toks[k]) or \
                not low.isalpha():
            return None
        after_aux = any(toks[q].text.lower() in AUXILIARIES for q in range(j + 1, k))
        if after_aux or low in _IRREGULAR or low in IRREGULAR_MORE or low.endswith("ed"):
            return k
        if low.endswith("s") and not low.endswith(("ss", "us", "is", "ous")) and len(low) > 3 and \
                k + 1 < len(toks) and toks[k + 1].start - toks[k].end == 1 and \
                (toks[k + 1].text.lower() in _OBJECT_OPENERS or _cap_name(toks[k + 1])):
            return k  # "holds her papers", not a plural noun ("Calloway employees can", "ARM builds for")
        return None
    return None


def _clause_span(unit, p: int, width: int = 9) -> tuple[int, int]:
    """The clause around position ``p`` of a sentence: the tokens joined to it by single spaces
    (no punctuation between), up to a clause word, at most ``width`` tokens each way."""
    a = p
    while a > 0 and p - a < width and unit[a].start - unit[a - 1].end == 1 and \
            unit[a - 1].text.lower() not in _CLAUSE_WORDS:
        a -= 1
    b = p
    while b + 1 < len(unit) and b - p < width and unit[b + 1].start - unit[b].end == 1 and \
            unit[b + 1].text.lower() not in _CLAUSE_WORDS:
        b += 1
    return a, b


def _name_run_before(unit, q: int) -> list[Token]:
    """The name that ends at ``q`` ("Institution of Civil Engineers"), read backwards over
    capitalised words and the 'of' or '&' inside a name."""
    out = [unit[q]]
    k = q - 1
    while k >= 0 and unit[k + 1].start - unit[k].end == 1:
        t = unit[k]
        if _cap_name(t):
            out.append(t)
        elif t.text.lower() in ("of", "&", "and") and k > 0 and _cap_name(unit[k - 1]) and t.text.lower() != "and":
            out.append(t)
        else:
            break
        k -= 1
    return out[::-1]


def _name_run_after(unit, q: int) -> list[Token]:
    out = [unit[q]]
    k = q + 1
    while k < len(unit) and unit[k].start - unit[k - 1].end == 1:
        t = unit[k]
        if _cap_name(t) or (t.text.lower() in ("of", "&") and k + 1 < len(unit) and _cap_name(unit[k + 1])):
            out.append(t)
        else:
            break
        k += 1
    return out


def _source_doer(unit, p: int, a: int, ctx: ClaimContext) -> list[Token] | None:
    """Who the sentence gives the act at ``p`` (its clause starting at ``a``): the name after
    "by" in the passive ("are held by the Institution of Civil Engineers"), else the name right
    before the verb in the active ("Marsh Holdings bought"); None where the doer is no name
    (a pronoun, a common noun, a passive with no "by")."""
    by = next((k for k in range(p + 1, min(len(unit), p + 3)) if unit[k].text.lower() == "by"), None)
    if by is not None:
        for q in range(by + 1, min(len(unit), by + 4)):
            if unit[q].start - unit[q - 1].end != 1:
                return None
            if _cap_name(unit[q]):
                return _name_run_after(unit, q)
            if unit[q].text.lower() not in ("the", "a", "an"):
                return None
        return None
    q = p - 1
    while q >= a and (unit[q].text.lower() in AUXILIARIES or unit[q].text.lower() in _VERB_ADVERBS
                      or (unit[q].text.lower().endswith("ly") and len(unit[q].text) > 4)):
        if unit[q].text.lower() in BE_FORMS:
            return None  # a passive with no "by": the subject is who it was done to
        q -= 1
    if q < a or not _cap_name(unit[q]) or unit[q].text.lower() in _POSSESSIVES:
        return None
    if q == 0 and not (ctx.source_names and unit[q].norm in ctx.source_names):
        return None  # a capitalised first word may be an ordinary word
    return _name_run_before(unit, q)


def _agent_elsewhere(ctx: ClaimContext, i: int, j: int, party) -> tuple[list[Token], Token] | None:
    """The claim gives an act to its name (tokens i..j, the subject of an active verb) that
    the source, anywhere, gives to another name: every source sentence with the same verb and
    a word of the claim's predicate in the verb's clause names another doer, and no sentence
    names the claim's name with that verb or those words ("Newcastle University now holds her
    papers" against "Her papers are held by the Institution of Civil Engineers in London").
    Returns (the source's doer, its verb)."""
    toks = ctx.tokens
    if i > 0 and (toks[i - 1].text.lower() in _NOT_SUBJECT or toks[i - 1].text.lower() in ("'s", "s")):
        return None
    v = _act_after(toks, j)
    if v is None or _passive(toks, j, v):
        return None
    lemma = verb_lemma(toks[v].text)
    if lemma in _LIGHT_VERBS or len(lemma) < 3:
        return None
    name = {toks[k].norm for k in range(i, j + 1)}
    claim_party = set().union(*(party(toks[k]) for k in range(i, j + 1)))
    # the predicate: the content words after the verb, up to the end of its clause
    objects = set()
    for k in range(v + 1, min(len(toks), v + 9)):
        if toks[k].start - toks[k - 1].end != 1 or toks[k].text.lower() in _CLAUSE_WORDS:
            break
        t = toks[k]
        if is_content(t) and not is_number_token(t) and t.text.lower() not in LIGHT and \
                t.text.lower() not in AUXILIARIES and t.norm not in name and len(t.norm) > 2:
            objects.add(t.norm)
    if not objects:
        return None
    found = None
    for unit in ctx.source_sentences:
        norms = {t.norm for t in unit}
        unit_party = set().union(*(party(t) for t in unit if t.text[:1].isupper())) | norms
        names_claim = bool(unit_party & claim_party)
        hits = [p for p, e in enumerate(unit) if e.text[:1].islower() and verb_lemma(e.text) == lemma]
        if names_claim and (hits or objects & norms):
            return None  # the source gives this act, or these words, to the claim's name too
        for p in hits:
            a, b = _clause_span(unit, p)
            if not objects & {unit[k].norm for k in range(a, b + 1) if k != p}:
                continue  # another act with the same verb ("a post she held")
            doer = _source_doer(unit, p, a, ctx)
            if doer is None:
                return None  # a doer that is no name (a pronoun, "the museum") may be the claim's
            doer_party = set().union(*(party(t) for t in doer if _cap_name(t)))
            grp = set().union(*(lx.demonym_groups().get(t.norm, frozenset()) for t in doer))
            if doer_party & claim_party or grp & name:
                return None
            found = found or (doer, unit[p])
    return found


@check("wrong_agent", -1, explicit=True)
def check_wrong_agent(ctx: ClaimContext) -> Finding:
    """The claim gives an action to a name the evidence mentions, while the evidence gives
    that action to another name: "Helen will meet them" where it says "Priya will meet them"."""
    toks = ctx.tokens
    blamed, reasons = [], []
    ev_units = (*ctx.evidence_units, *ctx.context_units)
    terms = defined_terms(ctx)

    def party(t: Token) -> set[str]:
        """A token's stem, and the party's stems where it is a defined term ("Licensee")."""
        return {t.norm} | (set(terms.get(t.norm, ())) if t.text[:1].isupper() else set())
    for i in _name_starts(ctx):
        if not ctx.src.has(toks[i]):
            continue  # a name the source lacks is check_novel_entity's
        j = i
        while j + 1 < len(toks) and j + 1 in ctx.names:
            j += 1
        v = _verb_after(toks, j)
        if v is None:
            continue
        # a passive claim ("his daughter has been told") names who it was done to: it is compared
        # only with passives of the evidence ("Luna was found"), an active one with actives
        passive = _passive(toks, j, v)
        vst = verb_lemma(toks[v].text)
        claim_name = {toks[k].norm for k in range(i, j + 1)}
        verdicts = []
        for unit in ev_units:
            for p, e in enumerate(unit):
                if verb_lemma(e.text) != vst:
                    continue
                if any(x.text.lower() in BE_FORMS for x in unit[max(0, p - 3):p]) != passive:
                    verdicts.append(None)  # the other voice: says nothing against the claim
                    continue
                window = unit[max(0, p - 6):p]
                if set().union(*(party(t) for t in window)) & claim_name:
                    verdicts.append(None)
                    continue
                if any(t.text.lower() == "by" for t in unit[p + 1:p + 3]):
                    verdicts.append(_name_after_by(unit, p, claim_name, ctx))  # "a team trained by Lowenna Hicks"
                    continue
                agent = None
                for q in range(p - 1, max(-1, p - 4), -1):
                    t = unit[q]
                    if t.text in (",", "and") or t.text.lower() in ("and", "or", "with", "who", "which", "that"):
                        break
                    if t.text[:1].isupper() and t.norm not in STOPWORDS and t.text.lower() not in TITLES \
                            and t.text.lower() not in MONTHS and not t.is_number \
                            and (q > 0 or (ctx.source_names and t.norm in ctx.source_names)):
                        agent = t
                        break
                    if t.text.lower() in AUXILIARIES or t.text.lower().endswith("ly"):
                        continue
                    if not t.text[:1].isupper():
                        break
                if agent is None or party(agent) & claim_name:
                    verdicts.append(None)
                    continue
                grp = lx.demonym_groups().get(agent.norm, frozenset())
                if grp & claim_name:
                    verdicts.append(None)
                    continue
                verdicts.append(agent)
        if verdicts and all(a is not None for a in verdicts):
            blamed.extend(range(i, j + 1))
            reasons.append(f"the evidence says '{verdicts[0].text} ... {toks[v].text}', not "
                           f"'{toks[i].text} ... {toks[v].text}'")
    for i in _name_starts(ctx):
        if i in blamed or not ctx.src.has(toks[i]):
            continue
        j = i
        while j + 1 < len(toks) and (j + 1 in ctx.names or toks[j + 1].text[:1].isupper()) \
                and toks[j + 1].start - toks[j].end == 1 and not toks[j + 1].is_number:
            j += 1  # the whole name, title words included ("Newcastle University")
        hit = _agent_elsewhere(ctx, i, j, party)
        if hit is not None:
            doer, verb = hit
            v = _act_after(toks, j)
            blamed.extend(range(i, j + 1))
            reasons.append(f"the source says '{doer[0].text} ... {verb.text}', not '{toks[i].text} ... "
                           f"{toks[v].text}'")
    claim_norms = {t.norm for t in toks}
    for i in _name_starts(ctx):
        if i in blamed or not ctx.src.has(toks[i]) or i in ctx.paraphrased_idx:
            continue
        j = i
        while j + 1 < len(toks) and j + 1 in ctx.names:
            j += 1
        other = _name_elsewhere(ctx, i, j, claim_norms)
        if other is not None:
            while j + 2 < len(toks) and toks[j + 1].text.lower() == "and" and j + 2 in ctx.names:
                j += 2  # the whole list of names ("Haushofer and Shapiro")
                while j + 1 < len(toks) and j + 1 in ctx.names:
                    j += 1
            blamed.extend(range(i, j + 1))
            reasons.append(f"the evidence gives '{toks[i - 1].text} {other.text}' for these words, and names "
                           f"'{toks[i].text}' for another fact")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))
