"""Numbers and dates: a number or date the source lacks, gives to another fact, or that the
evidence gives another value."""

from __future__ import annotations

import re
from dataclasses import replace

from ...text import STOPWORDS, Token, is_content
from .. import lexicon as lx
from .context import AUXILIARIES, LIGHT, TITLES, ClaimContext, Finding, _sentence_of, base_stem, is_negation
from .mentions import (MONTHS, DateMention, NumberMention, _date_word, _is_year, date_mentions, duration_supported,
                       is_number_token, number_mentions, number_supported)
from .registry import check


def _ev_numbers(ctx: ClaimContext) -> list[NumberMention]:
    """The evidence's numbers as the source's reading states them (with the lengths of time
    they state: '48 hours' and 'two days' are one number), at their evidence positions."""
    if ctx.source_number_list is None:
        return ctx.ev_numbers
    pos = {t.start: k for k, t in enumerate(ctx.evidence_tokens)}
    return [replace(m, index=pos[m.start], span=tuple(k - m.index + pos[m.start] for k in m.span))
            for m in ctx.source_number_list if m.start in pos]


def _source_at(ctx: ClaimContext, m: NumberMention) -> int | None:
    """The source position of an evidence or neighbouring mention."""
    return next((k for k, t in enumerate(ctx.source_tokens) if t.start == m.start), None)


def _phrase(ctx: ClaimContext, m: NumberMention, tokens=None) -> str:
    """The words of a number's duration phrase ('a quarter of an hour'), else its token; an
    evidence or neighbouring mention (``tokens`` None) is read back from the source."""
    if tokens is None:
        at = _source_at(ctx, m)
        if at is None:
            return ""
        tokens, shift = ctx.source_tokens, at - m.index
    else:
        shift = 0
    idx = [k + shift for k in (m.span or (m.index,)) if 0 <= k + shift < len(tokens)]
    return " ".join(tokens[k].text for k in idx)


def _unit_swap(m: NumberMention, ev: list[NumberMention]) -> NumberMention | None:
    """An evidence length of time with the claim's count in another unit ('2 days' where the
    claim says '2 hours')."""
    counts = {v for v in m.values if isinstance(v, float)}
    scales = {s for s, _ in m.durations}
    for e in ev:
        if e.durations and not (e.durations & m.durations) and {s for s, _ in e.durations} & scales \
                and counts & {v for v in e.values if isinstance(v, float)}:
            return e
    return None


#: words that make a number a difference ("trimmed by £400", "13 points higher", "£50m under")
_DIFFERENCE_AFTER = frozenset("""more less fewer higher lower over under short cheaper dearer above below up down
ahead behind""".split())


def _difference_in_a_sentence(ctx: ClaimContext, m: NumberMention) -> bool:
    """A number the claim gives as a difference ("the cabinets were trimmed by £400", "13
    points higher") that is the difference of two numbers one source sentence states, or
    three sentences in a row (a table row "| Full | NOK 6,900 | NOK 8,400 |" is cut at its
    capitalised cells), wherever the retriever found the evidence."""
    toks = ctx.tokens
    i = m.index
    nxt = {t.text.lower() for t in toks[i + 1:i + 4]}
    if not ((i > 0 and toks[i - 1].text.lower() == "by") or nxt & _DIFFERENCE_AFTER) or _is_percent(toks, i) \
            or (ctx.claim_text[toks[i].end - ctx.claim_start:toks[i].end - ctx.claim_start + 1] == "%"):
        return False  # "50% higher" is a ratio, no difference of two stated numbers
    per = ctx.sentence_numbers
    for k in range(len(per)):  # a sentence and the two after it: a table row's cells are cut apart
        nums = [x for p in per[k:k + 3] for x in p]
        if len(nums) >= 2 and number_supported(m, nums, arithmetic=True):
            return True
    return False


@check("novel_number", -1, explicit=True)
def check_novel_number(ctx: ClaimContext) -> Finding:
    """A number the source does not state (nor derive by a sum or a difference); a length of
    time is the same number in any unit ('90 minutes', 'an hour and a half'), so a count
    given another unit ('2 hours' for '2 days') or a length written in words that the source
    states nowhere while the evidence gives another ('a quarter of an hour' for '10 minutes')
    is novel."""
    ev = _ev_numbers(ctx) + ctx.context_numbers
    toks = ctx.tokens
    blamed, reasons = [], []
    for m in ctx.claim_numbers:
        if m.word_duration:
            continue  # 'three quarters of an hour': a length in words, checked below
        if not number_supported(m, ctx.src_numbers) and not number_supported(m, ev, arithmetic=True) \
                and not _difference_in_a_sentence(ctx, m):
            blamed.append(m.index)
            reasons.append(f"the number '{toks[m.index].text}' is not in the source")
        elif m.durations and not duration_supported(m, ctx.src_numbers) \
                and not duration_supported(m, ev, arithmetic=True) and (e := _unit_swap(m, ev)) is not None:
            blamed.extend(k for k in m.span or (m.index,) if k not in blamed)
            reasons.append(f"the evidence gives '{_phrase(ctx, e)}', not '{_phrase(ctx, m, toks)}'")
    done: set[tuple] = set()
    for m in ctx.claim_mentions:
        if not m.word_duration or m.span in done or any(i in blamed for i in m.span):
            continue
        done.add(m.span)
        if duration_supported(m, ctx.src_numbers) or duration_supported(m, ev, arithmetic=True):
            continue
        # the evidence gives another length of time to what the claim's length is of: one
        # with a word around it that is around the claim's too ('rest in the tin ... 10 minutes')
        scales = {s for s, _ in m.durations}
        args = _slot_content(toks, m.span[0], after=0) | _slot_content(toks, m.span[-1], before=0)
        scored = []
        for e in ev:
            at = _source_at(ctx, e) if {s for s, _ in e.durations} & scales else None
            if at is not None:
                shared = len(args & _slot_content(*_sentence_of(list(ctx.source_tokens), at)))
                if shared:
                    scored.append((shared, e))
        if not scored:
            continue
        e = max(scored, key=lambda x: x[0])[1]
        blamed.extend(m.span)
        reasons.append(f"the length of time '{_phrase(ctx, m, toks)}' is not in the source (the evidence gives "
                       f"'{_phrase(ctx, e)}')")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


@check("misplaced_number", -1, soft_blame=1)
def check_misplaced_number(ctx: ClaimContext) -> Finding:
    bad = [m.index for m in ctx.claim_numbers if number_supported(m, ctx.src_numbers)
           and not number_supported(m, _ev_numbers(ctx) + ctx.context_numbers, arithmetic=True)]
    return Finding(float(bool(bad)), tuple(bad),
                   tuple(f"the number '{ctx.tokens[i].text}' is in the source, but not in the evidence for this "
                         "claim" for i in bad))


def _noun_of(tokens, i: int) -> int | None:
    """What a number is a number of: the first content word after it within its clause
    ("£2m budget", "12 people"), else the content word right before it ("budget of £2m")."""
    for k in range(i + 1, min(len(tokens), i + 4)):
        t = tokens[k]
        if k == i + 1 and t.text.isdigit() and len(t.text) == 3 and tokens[i].text.isdigit():
            continue  # "10 , 000" written apart
        if k == i + 1 and is_number_token(t) and t.start - tokens[i].end == 1 and tokens[i].is_number:
            continue  # "3/5 stars", "2–3 hours": the pair counts the noun after it
        if is_number_token(t) or (t.text.lower() in STOPWORDS and t.text.lower() != "of"):
            break
        if k == i + 1 and t.text.lower() in _TIME_UNITS:
            return k  # "for three days", "the past 60 months": it counts the unit, not a word further on
        if t.text in lx.CURRENCY_CODES:
            continue  # "2,100 NOK": the currency, not what the amount is of
        if is_content(t) and t.text.lower() not in LIGHT and t.text.lower() not in MONTHS \
                and t.text.lower() not in lx.MULTIPLIERS and t.text.lower() not in ("percent", "per", "cent"):
            return k
    for k in range(i - 1, max(-1, i - 3), -1):
        t = tokens[k]
        if is_number_token(t):
            break
        if t.text in lx.CURRENCY_CODES:
            continue  # "NOK 650"
        if is_content(t) and t.text.lower() not in LIGHT and t.text.lower() not in MONTHS:
            return k
    return None


#: units of time right after a number: it measures a length, it counts no thing
_TIME_UNITS = frozenset("""second seconds minute minutes hour hours day days week weeks fortnight fortnights month
months year years decade decades""".split())


_VERSION_WORDS = frozenset({"v", "version", "versions", "release", "build", "patch", "update", "iso", "rfc"})


def _is_percent(tokens, i: int) -> bool:
    """The number at ``i`` is a percentage ("12%", "12 percent", "12 per cent")."""
    nxt = [t.text.lower() for t in tokens[i + 1:i + 3]]
    return tokens[i].text.endswith("%") or nxt[:1] in (["percent"], ["%"], ["pc"]) or nxt == ["per", "cent"]


def _plain_quantity(tokens, i: int) -> bool:
    """A number that counts or measures something: not a version ('2.32.3', 'version 4'), not a
    code or label with letters before its digits ('Q3', 'A320', 'v2', 'Year-1', 'COVID-19'), not
    a clock time."""
    t = tokens[i].text
    if re.search(r"[A-Za-z]-?\d", t) or re.fullmatch(r"\d+(?:\.\d+){2,}", t):
        return False
    if i > 0 and tokens[i - 1].text.lower() in _VERSION_WORDS:
        return False
    return True


#: words that make a number a span counted from an end ("the final ten minutes", "the first
#: three weeks", "the past two years"): a figure derived from the facts, not a count the
#: evidence attaches to the noun
_SPAN_FROM_END = frozenset({"final", "last", "first", "opening", "closing", "remaining", "next", "past",
                            "previous", "initial"})


def _span_from_end(tokens, i: int) -> bool:
    return i > 0 and tokens[i - 1].text.lower() in _SPAN_FROM_END


def _is_year_mention(m: NumberMention, tok: Token) -> bool:
    return bool(re.fullmatch(r"\d{4}", tok.text)) and any(isinstance(v, float) and _is_year(v) for v in m.values)


def _punctuated(ctx: ClaimContext, a: int, b: int) -> bool:
    """A comma, colon, semicolon or bracket in the claim's text between tokens a and b."""
    toks = ctx.tokens
    between = ctx.claim_text[toks[a].end - ctx.claim_start:toks[b].start - ctx.claim_start]
    return any(c in between for c in ",;:()")


def _unit_after(tokens, i: int) -> str | None:
    """The ordinary word right after a number ("three days", "30% higher"), if any."""
    if i + 1 >= len(tokens):
        return None
    t = tokens[i + 1]
    low = t.text.lower()
    if t.start - tokens[i].end != 1:
        return None  # punctuation or a unit sign between ("£14,000, cannot", "30% higher")
    if not is_content(t) or is_negation(t) or t.is_number or low in ("percent", "per", "cent", "pc") or low in AUXILIARIES \
            or low in lx.MULTIPLIERS:
        return None
    return t.norm

def _slot_numbers(ctx: ClaimContext, years: bool) -> list[tuple[NumberMention, Token, list[str]]]:
    """(claim number, evidence number token, shared words): a number the source states, but
    where the evidence or neighbouring sentence whose words around a number of the same kind
    (a year, else any quantity) match the words around the claim's number best (at least two
    shared words, more than any mention of the claim's own number in the source) gives
    another number ("the roof was re-slated in 2021" where the source re-slated it in 2018 and
    refitted the kitchen in 2021; "the cheapest, at £14,000" where the cheapest bid was
    £17,500 and the reserve £14,000)."""
    toks = list(ctx.tokens)
    units = [list(u) for u in (*ctx.evidence_units, *ctx.context_units)]
    nums = [m.index for m in ctx.claim_numbers]
    cands = []
    for u in units:
        days = {d.index for d in date_mentions(u) if d.day is not None}
        for e in number_mentions(u):
            # a number the claim states too fills another slot of the claim; a day of a date is
            # the date check's
            if is_number_token(u[e.index]) and _is_year_mention(e, u[e.index]) == years and e.index not in days:
                cands.append((e, u, _slot_content(u, e.index)))
    if not cands:
        return []
    src = list(ctx.source_tokens)
    src_pos = {t.start: k for k, t in enumerate(src)}
    claim_days = ctx.claim_days
    out = []
    for m in ctx.claim_numbers:
        t = toks[m.index]
        if _is_year_mention(m, t) != years or not _plain_quantity(toks, m.index) or _span_from_end(toks, m.index) \
                or m.index in claim_days or re.fullmatch(r"[\d.,]+-[a-z-]+", t.text.lower()):
            continue  # a day of a date; a number fused with its unit ("26-year-old", "10-man")
        if any(j != m.index and abs(j - m.index) <= 3 for j in nums):
            continue  # a range, a change next to its amount, a score: one quantity with its neighbour
        if any(x.text.lower() in ("to", "until", "till", "through", "and", "-", "between", "or", "from")
               and not (x.text.lower() == "to" and m.bound)  # "up to £23" is a bound, not a range's end
               for x in toks[max(0, m.index - 2):m.index]):
            continue
        if not number_supported(m, ctx.src_numbers):
            continue  # not in the source at all: novel_number's
        if years and _unit_after(toks, m.index) is not None:
            continue  # a year naming a thing ("the 2020 Olympics"), not the time of an event
        args = _slot_content(toks, m.index)
        unit = _unit_after(toks, m.index)
        # a candidate measures the same kind of thing (the same word right after it, the same
        # bound), and is not a number the claim states for another slot
        scored = [(len(args & w), e, u, w) for e, u, w in cands
                  if (number_supported(m, [e]) or not any(number_supported(c, [e]) for c in ctx.claim_numbers))
                  and _unit_after(u, e.index) == unit and e.bound == m.bound]
        if not scored:
            continue
        best = max(k for k, _, _, _ in scored)
        # a bound is no hedge: "up to £23" is not "about £25"
        exact = replace(m, hedged=m.hedged and not m.bound)
        if best < 2 or any(k >= best - 1 and number_supported(exact, [e]) for k, e, _, _ in scored if k > 0):
            continue
        own = [s for s in ctx.src_numbers if number_supported(exact, [s]) and s.start in src_pos]
        if any(len(args & _slot_content(*_sentence_of(src, src_pos[s.start]))) >= best - 1 for s in own):
            continue  # the source also gives the claim's number to these words
        k, e, u, w = next(x for x in scored if x[0] == best)
        unit_nums = number_mentions(u)
        if number_supported(exact, unit_nums, arithmetic=True) or _difference_in_a_sentence(ctx, m):
            continue  # that sentence states or derives it
        shown = [x.text for x in toks if x.norm in (args & w)]
        out.append((m, u[e.index], sorted(set(shown), key=shown.index)))
    return out


#: words that make a sentence's range a target, a limit or a forecast rather than a reading
#: ("keep SpO2 between 92% and 96%", "guidance of 610 to 650 million"); in a claim, words that
#: restate it as one
_TARGET_WORDS = frozenset("""keep kept keeping maintain maintained maintaining target targets targeted targeting aim
aims aimed aiming goal goals range ranges normal between within guidance guided forecast forecasts expected expects
expect limit limits threshold thresholds band window""".split())
#: words right before a claim's number that make it a bound or one end of a range of its own
_RANGE_BEFORE = frozenset("""to and between from up least most under over above below than or around about
roughly approximately nearly almost""".split())


def _dashed(value: str) -> tuple[float, float] | None:
    """The two ends of a range or score written with a dash ('10-15'), else None."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)", value)
    return (float(m.group(1)), float(m.group(2))) if m else None


def _float_values(m: NumberMention) -> set[float]:
    return {v for v in m.values if isinstance(v, float)}


def _range_partner(tokens, i: int, nums: dict[int, NumberMention]) -> tuple[int, int] | None:
    """The (low, high) token positions of the range that the number at ``i`` is one end of:
    "between 92 and 96", "92 to 96" (not "from 4 to 2": a change, whose ends are readings),
    "92–96" written apart; the low end first and below the high end. None if it is no end."""
    def val(k):
        m = nums.get(k)
        if m is None or any(isinstance(v, str) for v in m.values) or not _float_values(m):
            return None  # a clock time, a score
        return max(_float_values(m))

    def pair(a, b):
        va, vb = val(a), val(b)
        return (a, b) if va is not None and vb is not None and va < vb else None

    n = len(tokens)
    if i + 2 < n and tokens[i + 1].text.lower() == "and" and i > 0 and tokens[i - 1].text.lower() == "between":
        return pair(i, i + 2)
    if i >= 3 and tokens[i - 1].text.lower() == "and" and tokens[i - 3].text.lower() == "between":
        return pair(i - 2, i)
    if i + 2 < n and tokens[i + 1].text.lower() == "to" and not (i > 0 and tokens[i - 1].text.lower() == "from"):
        return pair(i, i + 2)
    if i >= 2 and tokens[i - 1].text.lower() == "to" and not (i > 2 and tokens[i - 3].text.lower() == "from"):
        return pair(i - 2, i)
    if i + 1 < n and tokens[i + 1].start - tokens[i].end in (1, 3):   # "92–96", "2 – 3": a dash between
        return pair(i, i + 1)
    if i > 0 and tokens[i].start - tokens[i - 1].end in (1, 3):
        return pair(i - 1, i)
    return None


def _range_end_as_value(ctx: ClaimContext) -> list[tuple[int, str]]:
    """(claim position, the source's range): a number the claim states as a plain value
    ("saturations now at 92%") that the source gives only as one end of a target, limit or
    forecast range ("keep SpO2 between 92% and 96%"), nowhere as a value of its own."""
    toks = list(ctx.tokens)
    src = list(ctx.source_tokens)
    src_nums = ctx.src_number_at
    claim_nums = [m.index for m in ctx.claim_numbers if toks[m.index].text.lower() not in lx.MULTIPLIERS]
    days = ctx.claim_days
    out = []
    for m in ctx.claim_numbers:
        i = m.index
        vals = _float_values(m)
        if not vals or any(isinstance(v, str) for v in m.values) or m.bound or m.hedged or i in days \
                or not _plain_quantity(toks, i) or _is_year_mention(m, toks[i]) \
                or any(j != i and abs(j - i) <= 3 for j in claim_nums):
            continue
        if i > 0 and toks[i - 1].text.lower() in _RANGE_BEFORE:
            continue
        clause = {t.text.lower() for t in toks[max(0, i - 8):i + 4]}
        if clause & _TARGET_WORDS:
            continue  # the claim restates a target or a limit
        ranges, plain = [], False
        for k, s in src_nums.items():
            ends = [_dashed(v) for v in s.values if isinstance(v, str)]
            dashed = [e for e in ends if e is not None and e[0] < e[1] and vals & set(e)]
            if not dashed and not vals & _float_values(s):
                continue
            r = (k, k + 1) if dashed else _range_partner(src, k, src_nums)
            sent, _ = _sentence_of(src, k)
            if r is None or not {t.text.lower() for t in sent} & _TARGET_WORDS:
                plain = True
                break
            ranges.append(r)
        if ranges and not plain:
            a, b = ranges[0]
            lo = a - 1 if a > 0 and src[a - 1].text.lower() == "between" else a
            out.append((i, " ".join(t.text for t in src[lo:b + 1])))
    return out


#: words that start another clause of a sentence that lists figures ("17%, and services 12%")
_CLAUSE_WORDS = frozenset("and while whereas but compared against versus vs with".split())


def _number_clause(tokens, i: int, nums: set[int]) -> tuple[int, int]:
    """The (start, end) of the clause that holds the number at ``i``: from the number before
    it to the number after it, cut at words that start another clause ("while", "and")."""
    a = i
    while a > 0 and a - 1 not in nums and tokens[a - 1].text.lower() not in _CLAUSE_WORDS:
        a -= 1
    b = i + 1
    while b < len(tokens) and b not in nums and tokens[b].text.lower() not in _CLAUSE_WORDS:
        b += 1
    return a, b


def _clause_names(tokens, a: int, b: int, names: frozenset) -> dict[str, Token]:
    """Stem -> token of the names in tokens[a:b]: words the source writes as names."""
    return {t.norm: t for t in tokens[a:b] if t.norm in names and not t.is_number and t.text.lower() not in STOPWORDS
            and t.text.lower() not in MONTHS and t.text.lower() not in TITLES}


def _owner_swaps(ctx: ClaimContext) -> list[tuple[int, Token, Token, Token]]:
    """(claim position, the claim's name, the source's owner of the number, the number the
    source gives the claim's name): a figure the claim gives to one name ("TU Delft received
    €260,000") that every source clause holding it gives to another name ("Iceland's
    Orkustofnun gave €260,000, and TU Delft €90,000"), while the source gives the claim's
    name another figure of the same kind."""
    toks = list(ctx.tokens)
    src = list(ctx.source_tokens)
    names = frozenset(ctx.source_names or ())
    claim_names = {toks[k].norm for k in ctx.names}
    if not claim_names:
        return []
    claim_nums = {m.index for m in ctx.claim_numbers if toks[m.index].text.lower() not in lx.MULTIPLIERS}
    src_list = list(ctx.src_number_at.values())
    src_nums = {m.index for m in src_list if src[m.index].text.lower() not in lx.MULTIPLIERS}
    days = ctx.claim_days
    out = []
    for m in ctx.claim_numbers:
        i = m.index
        if i not in claim_nums or i in days or not _plain_quantity(toks, i) or _is_year_mention(m, toks[i]) \
                or any(isinstance(v, str) for v in m.values):
            continue
        a, b = _number_clause(toks, i, claim_nums - {i})
        mine = {n: t for n, t in _clause_names(toks, a, b, names).items() if n in claim_names}
        at = sorted(toks.index(t) for t in mine.values())
        if not at or at[-1] - at[0] != len(at) - 1:
            continue  # no name, or several (who gave what to whom is the role checks')
        run_ = set(mine)
        name_tok = toks[at[-1]]
        pct, unit = _is_percent(toks, i), _unit_after(toks, i)
        owners, theirs = [], None
        for e in src_list:
            k = e.index
            if k not in src_nums or any(isinstance(v, str) for v in e.values) or _is_year_mention(e, src[k]) \
                    or not _plain_quantity(src, k):
                continue
            sent, at = _sentence_of(src, k)
            snums = {j - k + at for j in src_nums if 0 <= j - k + at < len(sent)}
            sa, sb = _number_clause(sent, at, snums - {at})
            held = _clause_names(sent, sa, sb, names)
            if number_supported(m, [e]):
                owners.append(held)
            elif run_ <= set(held) and _is_percent(src, k) == pct and not number_supported(m, [e], arithmetic=True) \
                    and (_unit_after(src, k) == unit or (_unit_after(src, k) is None and sb - sa <= len(run_) + 2)):
                theirs = theirs or src[k]
        if not owners or theirs is None or any(run_ & set(h) or not h for h in owners):
            continue
        others = {n: t for h in owners for n, t in h.items()}
        if set(others) & {t.norm for t in toks}:
            continue  # the claim names the source's owner too
        out.append((i, name_tok, next(iter(others.values())), theirs))
    return out


_CODE = re.compile(r"([A-Z]{1,4})-?(\d{1,5})[A-Za-z]?")


def _code_swaps(ctx: ClaimContext) -> list[tuple[int, Token, list[str]]]:
    """(claim position, the evidence's code, shared words): an identifier of a series (a model
    "BK-215", a room "B214") that the source has, where the evidence or neighbouring sentence
    whose words around a code of the same series match the words around the claim's code best
    (two or more, more than any source sentence holding the claim's code) gives another code
    ("a free BK-215 replacement" where "a free replacement kettle (model BK-230)")."""
    def bare(t: Token) -> str:  # "B214's" -> "B214", "BK-215" -> "BK215"
        return re.sub(r"['\u2019]s$", "", t.text).replace("-", "")

    toks = list(ctx.tokens)
    codes = [(i, m.group(1)) for i, t in enumerate(toks) if (m := _CODE.fullmatch(bare(t)))]
    if not codes:
        return []
    units = [list(u) for u in (*ctx.evidence_units, *ctx.context_units)]
    src = list(ctx.source_tokens)
    out = []
    for i, prefix in codes:
        mine = bare(toks[i])
        holders = [k for k, t in enumerate(src) if bare(t) == mine]
        if not holders:
            continue  # a code the source lacks: novel_entity's or novel_number's
        args = _slot_content(toks, i)
        scored = []
        for u in units:
            for k, t in enumerate(u):
                m = _CODE.fullmatch(bare(t))
                if m and m.group(1) == prefix and bare(t) != mine:
                    scored.append((len(args & _slot_content(u, k)), t, _slot_content(u, k)))
        if not scored:
            continue
        best, theirs, words = max(scored, key=lambda x: x[0])
        if best < 2:
            continue
        if any(len(args & _slot_content(*_sentence_of(src, k))) >= best - 1 for k in holders):
            continue  # the source also gives the claim's code to these words
        shown = [x.text for x in toks if x.norm in (args & words)]
        out.append((i, theirs, sorted(set(shown), key=shown.index)))
    return out


@check("number_attachment", -1, explicit=True)
def check_number_attachment(ctx: ClaimContext) -> Finding:
    """A number the evidence gives to something else: in the claim it counts a thing that the
    evidence counts with a different number, while the evidence gives this number to
    another thing (the rejected proposal's figure reported as the approved budget's)."""
    ev = ctx.evidence_tokens
    ev_nums = ctx.ev_numbers
    unit_starts = {u[0].start for u in ctx.evidence_units if len(u)}
    toks = list(ctx.tokens)
    blamed, reasons = [], []
    nums = [m.index for m in ctx.claim_numbers]
    days = ctx.claim_days
    for m in ctx.claim_numbers:
        k = _noun_of(toks, m.index)
        if k is None or not number_supported(m, ev_nums) or not _plain_quantity(toks, m.index):
            continue
        if k < m.index and _punctuated(ctx, k, m.index) and not (
                m.index + 1 < len(toks) and _punctuated(ctx, m.index, m.index + 1)):
            continue  # "three quotes, £38,400 from Ridgeline": no count of the word before ("Granado, 24," is)
        # a number written next to another (a range "from 14:05 to 14:52", a change next to its
        # amount "up 5 percent to 612 million", a score) is one quantity with it, not a count of a thing
        if any(j != m.index and abs(j - m.index) <= 3 for j in nums):
            continue
        if re.fullmatch(r"[\d.,]+-[a-z]+", toks[m.index].text.lower()):
            continue  # "a 40-gram bag": the number measures its unit, not the noun after it
        if _span_from_end(toks, m.index):
            continue  # "the final ten minutes": a span derived from the facts
        if _is_year_mention(m, toks[m.index]) or m.index in days or re.fullmatch(r"\d{3}0s", toks[m.index].text):
            continue  # a year ("the 2020 Olympics"), a decade ("the 2010s") or the day of a date: the date check's
        noun = base_stem(toks[k].text)
        same = [e for e in ev_nums if number_supported(m, [e])]
        if not same:
            continue  # derived from several evidence numbers ("87 per cent" from "43.5 out of 50")
        if any((j := _noun_of(ev, e.index)) is not None and base_stem(ev[j].text) == noun for e in same):
            continue
        if not all(_noun_of(ev, e.index) is not None for e in same):
            continue
        pct = _is_percent(toks, m.index)
        other = [e for e in ev_nums if e.values and not number_supported(m, [e]) and _plain_quantity(ev, e.index)
                 and ev[e.index].start not in unit_starts  # a list marker ("3. Garden: ...") counts nothing
                 and _is_percent(ev, e.index) == pct  # "87 per cent" is no count against "43.5 out of 50"
                 and (j := _noun_of(ev, e.index)) is not None and base_stem(ev[j].text) == noun]
        if other and number_supported(m, other, arithmetic=True) and not number_supported(m, other):
            continue  # "the final ten minutes" from 90 and 80: a derived figure
        if other:
            e = other[0]
            blamed.append(m.index)
            reasons.append(f"the evidence gives '{ev[e.index].text}', not '{toks[m.index].text}', for "
                           f"'{toks[k].text}'")
    for m, e, shared in _slot_numbers(ctx, years=False):
        if m.index not in blamed:
            blamed.append(m.index)
            reasons.append(f"the evidence gives '{e.text}' to '{' '.join(shared)}', not '{toks[m.index].text}'")
    for i, name, owner, theirs in _owner_swaps(ctx):
        if i not in blamed:
            blamed.append(i)
            reasons.append(f"the source gives '{toks[i].text}' to '{owner.text}', and '{name.text}' "
                           f"'{theirs.text}'")
    for i, theirs, shared in _code_swaps(ctx):
        if i not in blamed:
            blamed.append(i)
            reasons.append(f"the evidence gives '{theirs.text}' to '{' '.join(shared)}', not '{toks[i].text}'")
    for i, shown in _range_end_as_value(ctx):
        if i not in blamed:
            blamed.append(i)
            reasons.append(f"the source gives '{toks[i].text}' only as one end of a range ('{shown}'), "
                           "not as a value")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))

_RELATIVE_DAYS = ("yesterday", "today", "tonight", "tomorrow")


def _ends_range(toks, i: int, also: tuple[str, ...] = ()) -> bool:
    """The date at ``i`` closes a range or a span: "from 3 to 7 May", "21 February to 1 March",
    "between 3 and 7 May", "until 5 May" (the word right before it, or before "the"), not
    "due to deliver by 13 December"."""
    k = i - 1
    if k >= 0 and toks[k].text.lower() == "the":
        k -= 1
    return k >= 0 and toks[k].text.lower() in ("to", "until", "till", "through", "and", "-", "between", *also)


def _is_weekday(word: str) -> bool:
    return word in MONTHS[12:]


def _date_word_at(tokens, i: int) -> str | None:
    """The month or weekday token ``i`` names; "may" only written as a name ("May") or next to
    a day or year ("on may 5", "5 may 2015" in lower-cased text), not the verb."""
    low = _date_word(tokens[i], tokens, i)
    if low == "may" and not tokens[i].text[:1].isupper() and not any(
            0 <= k < len(tokens) and tokens[k].is_number for k in (i - 1, i + 1)):
        return None
    return low

def _slot_words(tokens, i: int, width: int = 5) -> set[str]:
    """Stems of the ordinary words around a slot (a date, a number): what it is the date or
    number of. Numbers, months and light words are left out."""
    return {u.norm for u in list(tokens[max(0, i - width):i]) + list(tokens[i + 1:i + 1 + width])
            if is_content(u) and not u.is_number and u.text.lower() not in MONTHS and u.text.lower() not in LIGHT
            and u.text.lower() not in AUXILIARIES}


#: words that open another clause: a slot's words stop there ("by 13 December, and Tom must book")
_SLOT_CLAUSE_WORDS = frozenset({"and", "but", "while", "whereas", "which", "who", "then"})


def _slot_content(tokens, i: int, before: int = 5, after: int = 3, clause: bool = False) -> set[str]:
    """Like ``_slot_words``, counted in content words (up to ``before`` before the slot and
    ``after`` after it), so "due back in the fracture clinic on 3 October" keeps "due"; with
    ``clause``, only the words of the slot's clause."""
    def ok(u):
        return (is_content(u) and not u.is_number and u.text.lower() not in MONTHS and u.text.lower() not in LIGHT
                and u.text.lower() not in AUXILIARIES)
    def cut(seq):  # the words up to one that opens another clause ("..., and Tom must book")
        out = []
        for u in seq:
            if clause and u.text.lower() in _SLOT_CLAUSE_WORDS:
                break
            out.append(u)
        return out
    left = [u.norm for u in cut(reversed(tokens[:i])) if ok(u)][:before]
    right = [u.norm for u in cut(tokens[i + 1:]) if ok(u)][:after]
    return set(left) | set(right)


def _same_date(a: DateMention, b: DateMention) -> bool:
    return a.month == b.month and (a.day is None or b.day is None or a.day == b.day)


def _slot_dates(ctx: ClaimContext, toks) -> list[tuple[DateMention, DateMention, list[str]]]:
    """(claim date, evidence date, shared words): the evidence or neighbouring sentence date
    whose surrounding words match the claim date's surrounding words best (at least two shared
    words, more than any mention of the claim's own date) is another date."""
    units = [*ctx.evidence_units, *ctx.context_units]
    cands = [(e, _slot_content(u, e.index, clause=True)) for u in units for e in date_mentions(u)]
    if not cands:
        return []
    out = []
    for d in date_mentions(toks):
        if _ends_range(toks, d.index, ("or",)):
            continue  # a range or a span ("from 3 to 7 May")
        args = _slot_content(toks, d.index, clause=True)
        scored = [(len(args & w), e, w) for e, w in cands]
        best = max(k for k, _, _ in scored)
        if best < 2 or any(k >= best - 1 and _same_date(d, e) for k, e, _ in scored if k > 0):
            continue
        k, e, w = next(x for x in scored if x[0] == best)
        shown = [t.text for t in toks if t.norm in (args & w)]
        out.append((d, e, sorted(set(shown), key=shown.index)))
    return out


@check("date", -1, explicit=True)
def check_date(ctx: ClaimContext) -> Finding:
    """A date the evidence does not give: a month or weekday ('June' where it says 'May'), a
    day of the month ('19 September' where the evidence gives '12 September' for this fact,
    even when the source gives 19 September to another fact), or a relative day ('tomorrow'
    where it says 'today')."""
    toks = ctx.tokens
    ev_tokens = ctx.evidence_tokens
    # (unit, index, month or weekday) of each date word of the evidence
    ev_words = [(u, j, w) for u in ctx.evidence_units for j in range(len(u)) if (w := _date_word_at(u, j))]
    ev_dates = {w for _, _, w in ev_words}
    src_dates = set(ctx.src.date_words)
    ev_starts = {e.start for e in ev_tokens}
    for start, month in ctx.src.iso_months:  # numeric dates ("2025-02-11") name their month too
        src_dates.add(month)
        if start in ev_starts:
            ev_dates.add(month)
    blamed, reasons = [], []
    for i, t in enumerate(toks):
        low = _date_word_at(toks, i)
        if low is None or low in ev_dates:
            continue
        if low not in src_dates:
            blamed.append(i)
            reasons.append(f"the date '{t.text}' is not in the source")
            continue
        # the source gives this month or weekday elsewhere: only an error where the evidence gives
        # another one of the same kind (a month for a month) to the same thing, a word next to the
        # claim's date sitting next to the evidence's too ("the hearing on Tuesday" / "the hearing
        # on Monday"), not wherever the evidence holds some other date
        args = _slot_words(toks, i)
        other = [u[j].text for u, j, w in ev_words
                 if _is_weekday(w) == _is_weekday(low) and args & _slot_words(u, j)]
        if other:
            blamed.append(i)
            reasons.append(f"the evidence says '{other[0]}', not '{t.text}'")
    # day of the month: compared with the evidence sentences (and those right around them)
    ev_full = [(d, u) for u in ctx.evidence_units for d in date_mentions(u)]
    near_full = [d for d, _ in ev_full] + [d for u in ctx.context_units for d in date_mentions(u)]
    for d in date_mentions(toks):
        if d.day is None or d.index in blamed:
            continue
        if any(e.month == d.month and e.day == d.day for e in near_full):
            continue
        # a range or a span of days ("21 February to 1 March", "from 3 to 7 May") is not checked
        if _ends_range(toks, d.index):
            continue
        # the evidence gives another day of that month to the same thing: a word next to the
        # claim's date sits next to the evidence's date too ("clinic ... 3 October")
        args = _slot_words(toks, d.index)
        other = [e for e, u in ev_full if e.month == d.month and e.day is not None and e.day != d.day
                 and args & _slot_words(u, e.index)]
        if other:
            blamed.append(d.index)
            reasons.append(f"the evidence says '{other[0].text}', not '{d.text}'")
    # a date the source gives to another fact: the evidence sentence that says what the claim
    # dates ("managers must publish a rota by 25 August") gives it another date, and the claim's
    # date sits by other words ("Approved ... on 15 July")
    for d, e, shared in _slot_dates(ctx, toks):
        if d.index not in blamed:
            blamed.append(d.index)
            reasons.append(f"the evidence gives '{e.text}' to '{' '.join(shared)}', not '{d.text}'")
    # a year the source gives to another fact ("re-slated in 2021" where the roof was re-slated
    # in 2018 and the kitchen refitted in 2021)
    for m, e, shared in _slot_numbers(ctx, years=True):
        if m.index not in blamed:
            blamed.append(m.index)
            reasons.append(f"the evidence gives '{e.text}' to '{' '.join(shared)}', not '{toks[m.index].text}'")
    rel_claim = [i for i, t in enumerate(toks) if t.text.lower() in _RELATIVE_DAYS]
    ev_rel = {t.text.lower() for t in ev_tokens if t.text.lower() in _RELATIVE_DAYS}
    for i in rel_claim:
        low = toks[i].text.lower()
        if ev_rel and low not in ev_rel and not (low in ("today", "tonight") and ev_rel & {"today", "tonight"}):
            blamed.append(i)
            reasons.append(f"the evidence says '{sorted(ev_rel)[0]}', not '{toks[i].text}'")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))
