"""Names and roles: a name the source lacks or the evidence does not give, an abbreviation
the source spells out, two names or numbers that swap roles, an action given to the wrong
agent."""

from __future__ import annotations

import re

from ...text import STOPWORDS, Token, is_content, stem
from .. import lexicon as lx
from .context import (_IRREGULAR, AUXILIARIES, BE_FORMS, IRREGULAR_MORE, LIGHT, TITLES, ClaimContext, Finding,
                      WordSet, base_stem, is_negation, verb_lemma)
from .mentions import MONTHS, date_mentions, is_number_token
from .registry import check

def _name_end(ctx: ClaimContext, i: int) -> int:
    """The last token of the claim's name that starts at ``i``."""
    j = i
    while j + 1 < len(ctx.tokens) and j + 1 in ctx.names:
        j += 1
    return j


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


def _unit_symbol_in_source(tok: Token, ctx: ClaimContext) -> bool:
    """A unit named after a person ('Celsius') whose symbol the source writes after a number
    ('50 °C')."""
    symbol = lx.UNIT_NAMES.get(tok.text.lower())
    src = ctx.source_tokens
    return symbol is not None and any(t.text.lower() == symbol and k > 0 and src[k - 1].is_number
                                      for k, t in enumerate(src))


def _role_before_name(i: int, ctx: ClaimContext) -> bool:
    """The summary's first word, capitalised, before a name the source has: a role or title
    ('Substitute Tariq Bello', 'Striker Ana Ruiz'), not a name of its own."""
    toks = ctx.tokens
    return i == 0 and len(toks) > 1 and toks[1].text[:1].isupper() and ctx.src.has(toks[1])


def _dated_days(ctx: ClaimContext) -> set[int]:
    """Claim tokens of a day with a name of its own whose date the source gives ("New Year's
    Eve" where the source says "until 31 December"), and words made of months and weekdays
    ("July-to-September", "Mon-Fri"): dates, the date check's."""
    toks = ctx.tokens
    low = [t.text.lower().replace("\u2019", "'") for t in toks]
    out = set()
    for k, t in enumerate(toks):
        parts = [x for x in re.split(r"[-\u2013/]", low[k]) if x]
        if len(parts) > 1 and all(x in MONTHS or x in _DAY_ABBR or x in ("to", "and", "through") for x in parts):
            out.add(k)
    dates = {(d.month, d.day) for d in date_mentions(list(ctx.source_tokens)) if d.day is not None}
    for words, (month, day) in lx.HOLIDAYS.items():
        n = len(words)
        for k in range(len(toks) - n + 1):
            if tuple(low[k:k + n]) == words and (MONTHS[month - 1], day) in dates:
                out.update(range(k, k + n))
    return out


_DAY_ABBR = frozenset({"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "jan", "feb", "mar",
                       "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})


@check("novel_entity", -1, explicit=True)
def check_novel_entity(ctx: ClaimContext) -> Finding:
    dated = _dated_days(ctx)
    bad = [i for i in ctx.names if i not in dated and not ctx.src.has(ctx.tokens[i])
           and not acronym_in(ctx.tokens[i].text, ctx.src)
           and not _unplaced_demonym(ctx.tokens[i], ctx) and not _common_word(ctx.tokens[i], ctx)
           and not _role_before_name(i, ctx) and not _unit_symbol_in_source(ctx.tokens[i], ctx)]
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


def _described_after(unit, p: int, q: int, words: set[str]) -> bool:
    """The name at ``p`` is followed, after its other capitalised words and a punctuation mark,
    by ``words`` that describe it, then a preposition that reaches the name at ``q`` ("Ingrid
    Solberg, guest curator from the University of Bergen")."""
    k = p
    while k + 1 < q and unit[k + 1].text[:1].isupper() and unit[k + 1].start - unit[k].end == 1:
        k += 1
    if k + 1 >= q or unit[k + 1].start - unit[k].end <= 1:
        return False
    prep = next((m for m in range(k + 1, q) if unit[m].text.lower() in ("of", "from", "at", "for", "in", "with")),
                None)
    return prep is not None and words <= {unit[m].norm for m in range(k + 1, prep)}


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
                if all(t.text[:1].islower() and is_content(t) for t in link) and \
                        _described_after(unit_tokens, pos[nb], pos[na], {t.norm for t in link}):
                    continue  # "the Bergen guest curator Ingrid Solberg" = "Ingrid Solberg, guest curator from ... Bergen"
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


# -- nominal roles: "a Jordan Okoye header" against "Callum Reyes headed" ------------------

#: words before an attributive name ("a Callum Reyes corner", "the Acme bid")
_NOUN_DETS = frozenset({"a", "an", "the", "this", "that", "another", "his", "her", "their", "its", "our"})
#: words that give a noun its maker or owner ("a corner from Okoye", "a study by Hale")
_MAKER_PREPS = frozenset({"by", "from"})
#: particles after a verb, before its object ("headed in a corner", "took over the firm")
_PARTICLES = frozenset({"in", "out", "up", "down", "off", "over", "on", "home", "away"})
#: nouns whose verb the stem does not give ("a sale" ~ "sold", "a purchase" ~ "bought")
_NOUN_VERBS = {"sale": ("sell",), "purchase": ("buy",), "shot": ("shoot",), "analysis": ("analyse", "analyze"),
               "defence": ("defend",), "defense": ("defend",), "choice": ("choose",), "loss": ("lose",),
               "acquisition": ("acquire", "buy"), "takeover": ("acquire", "buy"), "buyout": ("buy",)}
#: derivational endings of a noun and what turns it back into its verb ("acquisition" ~ "acquire")
_NOUN_ENDINGS = (("ition", ("ire",), 3), ("ation", ("ate", "e", ""), 3), ("ion", ("e", ""), 4),
                 ("ment", ("",), 3), ("al", ("e", ""), 4), ("ure", ("e", ""), 4), ("er", ("", "e"), 4))
_COORD = frozenset({"and", "or", "&", "with", "plus"})
#: verbs whose subject makes or owns their object ("Hale's team ran the trial", "Okoye took the
#: corner"); not "gave the award", "won a penalty", "praised the study"
_MAKING = frozenset(verb_lemma(w) for w in """run conduct lead do make write draft score take design produce file
lodge bring launch perform carry build compose direct edit organise organize submit sign deliver publish
commission author head""".split())


def _possessive(t: Token) -> bool:
    return t.text.lower().endswith(("'s", "\u2019s"))


def _nominal_keys(word: str) -> frozenset:
    """The stems a noun is matched by: its own and its verb's ("header" ~ "headed",
    "acquisition" ~ "acquired", "sale" ~ "sold")."""
    low = word.lower()
    out = {stem(low), verb_lemma(low)}
    for suf, reps, least in _NOUN_ENDINGS:
        if low.endswith(suf):
            if len(low) - len(suf) >= least:
                out |= {stem(low[:-len(suf)] + r) for r in reps}
            break
    out |= {stem(v) for v in _NOUN_VERBS.get(low, ())}
    return frozenset(out)


def _nounish(t: Token) -> bool:
    """A lower-case content word that may head a noun phrase (no verb form, adverb or number)."""
    low = t.text.lower().replace("\u2019", "'").removesuffix("'s")
    return t.text[:1].islower() and low.isalpha() and is_content(t) and low not in AUXILIARIES and \
        low not in _IRREGULAR and low not in IRREGULAR_MORE and not low.endswith(("ed", "ly", "ing")) and \
        low not in _NOT_SUBJECT and low not in _CLAUSE_WORDS and low not in LIGHT and low not in TITLES


def _np_opens(toks, k: int) -> bool:
    """The noun at ``k`` opens with a determiner or possessive, maybe after one modifier ("a
    corner", "the claim", "a late header", "Okoye's first corner"): a noun, not a verb ("runs")."""
    def opener(t: Token) -> bool:
        return t.text.lower() in _NOUN_DETS or _possessive(t)
    if k >= 1 and opener(toks[k - 1]):
        return True
    return k >= 2 and toks[k - 1].text[:1].islower() and is_content(toks[k - 1]) and opener(toks[k - 2])


_PRONOUN_OWNERS = frozenset({"his", "her", "their", "its", "he", "she", "they", "it"})


def _verbal(t: Token) -> bool:
    """A verb form or clause word: what separates a name from a noun it has no tie to."""
    low = t.text.lower()
    return low in _CLAUSE_WORDS or low in AUXILIARIES or low in _IRREGULAR or low in IRREGULAR_MORE or \
        (low.endswith("ed") and t.text[:1].islower())


def _loosely_given(unit, own: set[str], keys: frozenset, noun: str, verbs_too: bool) -> bool:
    """The source writes the claim's name, or a pronoun, right by the noun (or, ``verbs_too``,
    before its verb) with no verb, clause word or punctuation between ("Reyes's 14th-minute
    header", "a header by the veteran Reyes", "his corner", "she headed"): a tie the patterns may
    have missed, which the check does not overrule."""
    def as_noun(t: Token) -> bool:
        return t.norm == noun and not t.text.lower().endswith("ed")
    hits = [k for k, t in enumerate(unit) if as_noun(t) or (verbs_too and verb_lemma(t.text) in keys
                                                             and t.text[:1].islower())]
    for k in hits:
        if k > 0 and unit[k - 1].text.lower() in _PRONOUN_OWNERS:
            return True
        for x, t in enumerate(unit):
            if t.norm not in own or abs(x - k) > 4 or x == k or (x > k and not as_noun(unit[k]) and
                                                                  unit[x - 1].text.lower() not in _MAKER_PREPS):
                continue  # a name after the verb is who it was done to or for ("crossed for Maddox"), not
                # where it came from ("transferred from Chelsea")
            lo, hi = min(x, k), max(x, k)
            between = unit[lo + 1:hi]
            if all(unit[y].start - unit[y - 1].end == 1 for y in range(lo + 1, hi + 1)) and not any(
                    _verbal(b) for b in between):
                return True
    return False


def _noun_after(toks, k: int, most: int = 2) -> list[int]:
    """The noun words right after position ``k`` (joined by single spaces): "corner", "lab work"."""
    out = []
    q = k + 1
    while q < len(toks) and len(out) < most and toks[q].start - toks[q - 1].end == 1 and _nounish(toks[q]):
        out.append(q)
        if _possessive(toks[q]):
            break
        q += 1
    return out


def _runs(toks, first_ok) -> list[tuple[int, int]]:
    """Name runs (capitalised words joined by single spaces; a possessive ends one)."""
    out, k = [], 0
    while k < len(toks):
        if not _cap_name(toks[k]) or (k == 0 and not first_ok(toks[k]) and not _possessive(toks[k])):
            k += 1
            continue
        b = k
        while not _possessive(toks[b]) and b + 1 < len(toks) and _cap_name(toks[b + 1]) and \
                toks[b + 1].start - toks[b].end == 1:
            b += 1
        out.append((k, b))
        k = b + 1
    return out


def _coordinated(toks, a: int, b: int) -> bool:
    """A name in a list of names ("Baird and Hale's study", "a study by Baird and Hale")."""
    before = a >= 2 and (toks[a - 1].text.lower() in _COORD and toks[a - 1].start - toks[a - 2].end == 1
                         and _cap_name(toks[a - 2]) or toks[a].start - toks[a - 1].end == 2
                         and _cap_name(toks[a - 1]))
    after = b + 2 < len(toks) and toks[b + 1].text.lower() in _COORD and _cap_name(toks[b + 2]) and \
        toks[b + 1].start - toks[b].end == 1
    after = after or (b + 1 < len(toks) and toks[b + 1].start - toks[b].end == 2 and _cap_name(toks[b + 1])
                      and not _possessive(toks[b]))
    return before or after


def _attachments(toks, first_ok) -> list[tuple[tuple[int, int], int, str]]:
    """(name run, noun or verb position, role) for each noun or verb a text ties to a name. Roles:
    "agent", the noun's owner or maker ("NAME's N", "a NAME N", "N by|from NAME"); "object", what
    the noun is about ("N of NAME", "NAME's N by X"); "doer", the subject of a verb ("Reyes
    headed", "acquired by Acme"); "done", who a verb was done to ("Acme acquired Zenith", "Zenith
    was acquired"); "maker", the subject of a making verb whose object names no owner of its own
    ("Hale's team ran the trial", "Voss wrote the foreword"). ``first_ok``: whether a capitalised
    first word is a name."""
    out = []
    runs = _runs(toks, first_ok)
    n = len(toks)
    for a, b in runs:
        # NAME's N / a NAME N (a possessive common noun after the name counts: "the Hale group's trial")
        nouns, role = [], "agent"
        if _possessive(toks[b]):
            nouns = _noun_after(toks, b)
        else:
            det = a > 0 and (toks[a - 1].text.lower() in _NOUN_DETS or
                             (a > 1 and toks[a - 2].text.lower() in _NOUN_DETS and _nounish(toks[a - 1])))
            after = _noun_after(toks, b)
            if det and after and not (after[-1] + 1 < n and _cap_name(toks[after[-1] + 1])
                                      and toks[after[-1] + 1].start - toks[after[-1]].end == 1):
                nouns = after  # not a title before a name ("Vale goalkeeper Harry Lund")
                if _possessive(toks[after[-1]]):
                    nouns = nouns[:-1] + _noun_after(toks, after[-1])
        if nouns:
            last = nouns[-1]
            if last + 2 < n and toks[last + 1].text.lower() == "by":
                role = "object"  # "Zenith's purchase by Acme"
            out += [((a, b), q, role) for q in nouns]
        # N by|from NAME, N of NAME ("the claim by Mr Dunn", "a bid from the Acme Group")
        p = a - 1
        while p > 0 and a - p < 3 and (toks[p].text.lower() == "the" or toks[p].text.lower() in TITLES):
            p -= 1
        if p >= 1 and toks[a].start - toks[a - 1].end == 1 and all(
                toks[k].start - toks[k - 1].end == 1 for k in range(p + 1, a + 1)):
            prep = toks[p].text.lower()
            # "a bid from the Acme board" gives the bid to the board
            attributive = toks[a - 1].text.lower() == "the" and _noun_after(toks, b) and not _possessive(toks[b])
            route = b + 1 < n and toks[b + 1].text.lower() in _ROUTE - {"and", "or", "then"}
            if prep in _MAKER_PREPS | {"of"} and p >= 2 and not attributive and not route and \
                    toks[p].start - toks[p - 1].end == 1 and _nounish(toks[p - 1]) and _np_opens(toks, p - 1):
                out.append(((a, b), p - 1, "object" if prep == "of" else "agent"))
            elif prep in _MAKER_PREPS and p >= 3 and not attributive and not route and _cap_name(toks[p - 1]):
                # "the acquisition of Zenith Labs by Orbis Health"
                x = next((x for x, y in runs if y == p - 1), None)
                if x is not None and x >= 3 and toks[x - 1].text.lower() == "of" and _nounish(toks[x - 2]) and \
                        _np_opens(toks, x - 2):
                    out.append(((a, b), x - 2, "agent"))
        # NAME verb (object), NAME was verbed (by X); the name's noun phrase may be the subject
        # ("the Leeds team ran the trial")
        j = nouns[-1] if nouns and role == "agent" and not _possessive(toks[nouns[-1]]) else b
        opener = toks[a - 1].text.lower() if a else ""
        if opener in _NOUN_DETS and not nouns:
            opener = toks[a - 2].text.lower() if a > 1 else ""
        if not _possessive(toks[j]) and opener not in _NOT_SUBJECT:  # "a corner from Okoye headed in": no subject
            v = _act_after(toks, j)
            if v is not None and (_passive(toks, j, v) or any(toks[k].text.lower() == "by"
                                                               for k in range(v + 1, min(n, v + 4)))):
                out.append(((a, b), v, "done"))  # "Zenith was acquired (by Orbis)", "Okoye's corner headed in by"
            elif v is not None:
                out.append(((a, b), v, "doer"))
                q = v + 1
                while q < n and toks[q].text.lower() in _PARTICLES and toks[q].start - toks[q - 1].end == 1:
                    q += 1
                if q < n and toks[q].start - toks[q - 1].end == 1 and toks[q].text.lower() in _OBJECT_OPENERS \
                        and verb_lemma(toks[v].text) in _MAKING:
                    obj = _noun_after(toks, q)
                    owned = obj and obj[-1] + 2 < n and toks[obj[-1] + 1].text.lower() in _MAKER_PREPS | {"of"} \
                        and (_cap_name(toks[obj[-1] + 2]) or toks[obj[-1] + 2].text.lower() == "the")
                    if obj and not owned:
                        out += [((a, b), k, "maker") for k in obj]  # "Hale's team ran the trial"
                elif q < n and _cap_name(toks[q]) and toks[q].start - toks[q - 1].end == 1:
                    r = next(((x, y) for x, y in runs if x == q), None)
                    if r is not None:
                        out.append((r, v, "done"))  # "Acme acquired Zenith"
    # passives and participles: "(was) acquired by Acme" gives the verb to Acme
    for k in range(1, n - 1):
        if toks[k].text.lower() == "by" and toks[k - 1].text.lower().endswith("ed") and \
                toks[k].start - toks[k - 1].end == 1:
            r = next(((x, y) for x, y in runs if x in (k + 1, k + 2) and toks[x].start - toks[x - 1].end == 1
                      and (x == k + 1 or toks[k + 1].text.lower() == "the")), None)
            if r is not None:
                out.append((r, k - 1, "doer"))
    return out


def _plain(toks, a: int, b: int) -> str:
    """A name as written, without its possessive ending ("Teller Dairy's" -> "Teller Dairy")."""
    return re.sub(r"['\u2019]s$", "", " ".join(t.text for t in toks[a:b + 1]))


def _norm_set(toks, run) -> set[str]:
    return {toks[q].norm for q in range(run[0], run[1] + 1)}


def _nominal_swaps(ctx: ClaimContext) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
    """(the claim's owner, the source's owner, the noun): the claim gives a noun to a name as
    its owner or maker ("a Jordan Okoye header", "Teller's purchase of Marlow", "a study by
    Hale") where the source gives that noun, or the verb it names, to another name of the claim
    ("Callum Reyes headed", "Marlow bought Teller", "Baird's study") and never to the claim's
    (as its maker; nor as what it was done to, where the claim's form may mean that: "Zenith's
    acquisition"). Not for names the claim lists together or writes by the noun with no role of
    their own, a single place word, or names the source writes as one about the other ("Vale
    striker Dean Maddox")."""
    toks = ctx.tokens
    names = set(ctx.names)
    claim_runs = [r for r in _runs(toks, lambda t: True) if any(q in names for q in range(r[0], r[1] + 1))
                  and all(ctx.src.has(toks[q]) for q in range(r[0], r[1] + 1))]
    if len(claim_runs) < 2:
        return []
    in_claim = {r for r in claim_runs}
    demonyms = lx.demonym_groups()
    first_ok = lambda t: bool(ctx.source_names and t.norm in ctx.source_names)
    src_att = [(u, _attachments(u, first_ok)) for u in ctx.source_sentences]
    ev_starts = {t.start for u in (*ctx.evidence_units, *ctx.context_units) for t in u}
    claim_att = [x for x in _attachments(toks, lambda t: True) if x[0] in in_claim]
    out = []
    for run, q, role in claim_att:
        if role != "agent" or toks[q].text.lower().endswith("ed") or _coordinated(toks, *run):
            continue
        own = _norm_set(toks, run)
        if run[0] == run[1] and (toks[run[0]].norm in demonyms or "-" in toks[run[0]].text):
            continue  # a place or origin word ("an Italian study", "a Sofia-born midfielder")
        keys = _nominal_keys(toks[q].text)
        # the claim's other owners of this noun ("an Ashbury goal from Reyes"), and a name it
        # writes in the noun's clause with no role of its own ("Vale's winner came from Petrov")
        co_owners = [r for r, q2, role3 in claim_att if r != run and role3 in ("agent", "doer", "maker")
                     and keys & _nominal_keys(toks[q2].text)]
        lo, hi = _clause_span(toks, q, 6)
        co_owners += [r for r in claim_runs if lo <= r[0] <= hi and not any(x[0] == r for x in claim_att)]
        # "Teller's purchase of Marlow", "a study by Hale": the name is surely the maker, and the
        # source naming it only as what was done to ("Marlow bought Teller") does not excuse it
        sure = (q + 1 < len(toks) and toks[q + 1].text.lower() == "of") or \
            (run[0] > 0 and toks[run[0] - 1].text.lower() in _MAKER_PREPS)
        # the claim says outright whose the noun is ("Hale's trial", "a trial by Hale"); an
        # attributive name ("the Milan trial") may be its place or topic
        owned_form = _possessive(toks[run[1]]) or q < run[0] or (run[1] + 1 < len(toks) and
                                                                  _possessive(toks[run[1] + 1]))
        blocked, rival = any(_loosely_given(u, own, keys, toks[q].norm, not sure) for u in ctx.source_sentences), None
        for u, atts in src_att:
            for r2, p, role2 in atts:
                if not keys & {u[p].norm, verb_lemma(u[p].text)}:
                    continue
                theirs = _norm_set(u, r2)
                if theirs & own:
                    if role2 in ("agent", "doer", "maker") or not sure:
                        blocked = True
                    continue
                if role2 not in ("agent", "doer", "maker") or u[p].start not in ev_starts or _coordinated(u, *r2):
                    continue  # the rival owner is read from the evidence, and is the noun's only one
                if role2 == "doer" and verb_lemma(u[p].text) in _LIGHT_VERBS:
                    continue  # "Park claimed", "Carver said": no maker of a thing
                if role2 == "maker" and not owned_form:
                    continue  # "the Milan trial" may name its place or topic, not who ran it
                for other in claim_runs:
                    if other == run or other in co_owners:
                        continue
                    on = _norm_set(toks, other)
                    if on & own or not on & theirs:
                        continue
                    rival = rival or (other, u[p].text)
        if blocked or rival is None:
            continue
        other = rival[0]
        on = _norm_set(toks, other)
        if any(_related(u, own, on) for u in ctx.source_sentences):
            continue
        out.append((run, other, toks[q].text))
    return out


def _related(unit, a: set[str], b: set[str]) -> bool:
    """The source writes one name as a word about the other ("Ashbury defender Ollie Strand",
    "Acme's Jo Smith", "Smith of Acme"): within four words, no verb between."""
    pa = [k for k, t in enumerate(unit) if t.norm in a]
    pb = [k for k, t in enumerate(unit) if t.norm in b]
    for x in pa:
        for y in pb:
            lo, hi = min(x, y), max(x, y)
            if hi - lo > 4:
                continue
            between = unit[lo + 1:hi]
            if all(t.norm in a or t.norm in b or _nounish(t) or t.text.lower() in ("of", "'s", "at", "for", "the")
                   for t in between) and all(unit[k].start - unit[k - 1].end <= 2 for k in range(lo + 1, hi + 1)):
                return True
    return False


@check("role_swap", -1, explicit=True)
def check_role_swap(ctx: ClaimContext) -> Finding:
    """Two names or numbers in the opposite roles ("Acme bought Zenith" against "Zenith bought
    Acme"; a defined term such as "the Licensor" stands for its party), a comparison with
    its sides swapped (_comparison_swaps), or a noun given to the wrong owner ("a Jordan Okoye
    header" against "Callum Reyes headed in a corner from Jordan Okoye", _nominal_swaps)."""
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
    if not blamed:
        for (a, a2), (b, b2), noun in _nominal_swaps(ctx):
            blamed += [k for k in (*range(a, a2 + 1), *range(b, b2 + 1)) if k not in blamed]
            reasons.append(f"the source gives the {noun.lower()} to '{_plain(ctx.tokens, b, b2)}', not "
                           f"'{_plain(ctx.tokens, a, a2)}'")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


def _verb_after(tokens, i: int) -> int | None:
    """The first ordinary lower-case word after a name, skipping auxiliaries and adverbs."""
    for k in range(i + 1, min(len(tokens), i + 4)):
        low = tokens[k].text.lower()
        if tokens[k].start - tokens[k - 1].end > 1:
            return None  # punctuation between: "Lyngen, lent from Tromsø" is an aside, not Lyngen's act
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
        j = _name_end(ctx, i)
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
        j = _name_end(ctx, i)
        other = _name_elsewhere(ctx, i, j, claim_norms)
        if other is not None:
            while j + 2 < len(toks) and toks[j + 1].text.lower() == "and" and j + 2 in ctx.names:
                j = _name_end(ctx, j + 2)  # the whole list of names ("Haushofer and Shapiro")
            blamed.extend(range(i, j + 1))
            reasons.append(f"the evidence gives '{toks[i - 1].text} {other.text}' for these words, and names "
                           f"'{toks[i].text}' for another fact")
    for a, b, shown in _same_act_other_doer(ctx):
        if a not in blamed:
            blamed.extend(range(a, b + 1))
            reasons.append(f"the evidence says '{shown}', not '{' '.join(t.text for t in toks[a:b + 1])}'")
    for a, b, shown, k in _by_agent_swaps(ctx):
        if a not in blamed:
            blamed.extend(range(a, b + 1))
            reasons.append(f"the evidence says '{shown}', not '{' '.join(t.text for t in toks[k - 1:b + 1])}'")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


#: what may stand between a doer and its verb ("will", "is to", "has also")
_BEFORE_VERB = AUXILIARIES | frozenset({"to", "also", "then", "now", "still", "soon", "later", "jointly", "both"})


def _verb_and_object(tokens, j: int) -> tuple[int, list[str]] | None:
    """The verb after the name ending at ``j`` (past auxiliaries and "is to") and the first
    content words of its object ("Cllr Lund is to approach local schools" -> approach, [local,
    school])."""
    v = j + 1
    while v < len(tokens) and v - j <= 4 and tokens[v].text.lower() in _BEFORE_VERB:
        v += 1
    if v >= len(tokens) or not tokens[v].text[:1].islower() or not is_content(tokens[v]) \
            or tokens[v].text.lower() in LIGHT or tokens[v].start - tokens[v - 1].end > 1:
        return None
    obj = [u.norm for u in tokens[v + 1:v + 5] if is_content(u) and u.text.lower() not in LIGHT]
    return (v, obj) if len(obj) >= 2 else None


def _doer_before(unit, p: int) -> tuple[int, int] | None:
    """The name right before the verb at ``p`` (past auxiliaries), titles left out."""
    q = p - 1
    while q >= 0 and p - q <= 4 and unit[q].text.lower() in _BEFORE_VERB:
        q -= 1
    if q < 0 or not _cap_name(unit[q]) or unit[q + 1].start - unit[q].end > 1:
        return None
    a = q
    while a - 1 >= 0 and _cap_name(unit[a - 1]) and unit[a].start - unit[a - 1].end == 1:
        a -= 1
    return a, q


def _same_act_other_doer(ctx: ClaimContext) -> list[tuple[int, int, str]]:
    """(first, last token of the claim's name, the evidence's words): the claim gives a name an
    act ("Cllr Lund is to approach local schools about a choir") that the evidence gives to
    another name in other words but with the same object ("Cllr Whitlock will contact local
    schools about a choir"), while no source sentence gives that object to the claim's name."""
    toks = ctx.tokens
    terms = defined_terms(ctx)
    out = []
    for i in _name_starts(ctx):
        if not ctx.src.has(toks[i]) or not toks[i].text[:1].isupper():
            continue  # a name the claim writes in lower case may be an alias ("the reds" for Liverpool)
        j = _name_end(ctx, i)
        act = _verb_and_object(toks, j)
        if act is None:
            continue
        v, obj = act
        mine = {toks[k].norm for k in range(i, j + 1) if toks[k].text.lower() not in TITLES}
        theirs, said = None, False
        for unit in ctx.source_sentences:
            for p in range(1, len(unit) - 2):
                e = unit[p]
                if not e.text[:1].islower() or not is_content(e) or e.text.lower() in LIGHT:
                    continue
                their_obj = [u.norm for u in unit[p + 1:p + 5] if is_content(u) and u.text.lower() not in LIGHT]
                if not their_obj or their_obj[0] != obj[0] or len(set(obj[:3]) & set(their_obj[:3])) < 2:
                    continue
                doer = _doer_before(unit, p)
                if doer is None or any(is_negation(x) for x in unit[doer[1]:p]):
                    continue  # "The Licensor may not terminate": no act of its own
                names = {unit[k].norm for k in range(doer[0], doer[1] + 1)}
                names |= {w for n in names for w in terms.get(n, ())}  # "the Licensee" is Kestrel Data
                if names & mine:
                    said = True
                elif theirs is None and any(x.start == e.start for x in ctx.evidence_tokens):
                    theirs = " ".join(x.text for x in unit[doer[0]:p + 1 + len(obj)])
        if theirs is not None and not said:
            out.append((i, j, theirs))
    return out


def _person_after(tokens, k: int) -> tuple[int, int] | None:
    """The (first, last) token of the name right after position ``k``, titles left out ("by Cllr
    Whitlock" -> Whitlock), or None."""
    q = k + 1
    while q < len(tokens) and tokens[q].text.lower().rstrip(".") in TITLES:
        q += 1
    if q >= len(tokens) or not _cap_name(tokens[q]):
        return None
    r = q
    while r + 1 < len(tokens) and _cap_name(tokens[r + 1]) and tokens[r + 1].start - tokens[r].end == 1:
        r += 1
    return q, r


def _by_agent_swaps(ctx: ClaimContext) -> list[tuple[int, int, str, int]]:
    """(first, last token of the claim's name, the evidence's words, the claim's "by"): an act in the passive with
    its doer after "by" ("seconded by Cllr Patel") that the evidence gives to another name in
    the same form ("seconded by Cllr Whitlock"), while no source sentence gives it to the
    claim's name."""
    toks = ctx.tokens
    ev_starts = {t.start for t in ctx.evidence_tokens}
    out = []
    for k in range(1, len(toks) - 1):
        if toks[k].text.lower() != "by" or not _is_participle(toks[k - 1]):
            continue
        run = _person_after(toks, k)
        if run is None:
            continue
        a, b = run
        mine = {toks[x].norm for x in range(a, b + 1)}
        lemma = verb_lemma(toks[k - 1].text)
        theirs, said = None, False
        for unit in ctx.source_sentences:
            for p in range(len(unit) - 1):
                if unit[p + 1].text.lower() != "by" or verb_lemma(unit[p].text) != lemma:
                    continue
                other = _person_after(unit, p + 1)
                if other is None:
                    continue
                names = {unit[x].norm for x in range(other[0], other[1] + 1)}
                if names & mine:
                    said = True
                elif theirs is None and unit[p].start in ev_starts:
                    theirs = " ".join(x.text for x in unit[p:other[1] + 1])
        if theirs is not None and not said:
            out.append((a, b, theirs, k))
    return out


def _is_participle(tok: Token) -> bool:
    low = tok.text.lower()
    return low.isalpha() and ((low.endswith("ed") and len(low) > 4) or low in _IRREGULAR)
