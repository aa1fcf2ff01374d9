"""Numbers and dates as a text states them: parsing only, no check (the number and date
checks, in ``numbers``, and the LM slot check read these)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ...text import Token, is_content
from .. import lexicon as lx

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

NUMBER_WORDS = lx.NUMBER_WORDS

def _norm_number(v: str) -> str:
    v = v.replace(",", "")
    if "." in v:
        v = v.rstrip("0").rstrip(".")
    return v.lstrip("0") or "0"


#: the cardinal words a number written in words is made of ("six thousand seven hundred and fifty")
_CARDINALS = {w: int(v) for w, v in NUMBER_WORDS.items() if w in (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety").split()}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1000000, "billion": 1000000000}


def words_value(words: list[str]) -> int | None:
    """The number that cardinal words spell ("six thousand seven hundred and fifty" -> 6750,
    "twenty-two" split at its hyphen -> 22), or None if they spell none."""
    total = cur = 0
    for k, w in enumerate(words):
        if w == "and" and 0 < k < len(words) - 1:
            continue
        if w in _CARDINALS:
            cur += _CARDINALS[w]
        elif w == "hundred":
            cur = (cur or 1) * 100
        elif w in _SCALES:
            total += (cur or 1) * _SCALES[w]
            cur = 0
        else:
            return None
    return total + cur


def _hyphen_words_value(low: str) -> int | None:
    """A number written in words joined by hyphens, with a unit after it or not ("twenty-two",
    "three-hundred-and-fifty-pound"): its value, else None."""
    parts = low.split("-")
    if len(parts) < 2:
        return None
    if parts[-1] not in _CARDINALS and parts[-1] not in _SCALES:
        parts = parts[:-1]  # "...-fifty-pound": the unit
    if len(parts) < 2 or parts[0] not in _CARDINALS:
        return None
    return words_value(parts)


def number_values(tok: Token) -> set[str]:
    """Normalised numeric values of a token: '86%' -> {'86'}, '1,200' -> {'1200'}, 'two' -> {'2'},
    'twenty-two' -> {'22'}, '2-1' -> {'2-1'} (a score or range stays one value, so '3-1' never
    matches '2-1')."""
    low = tok.text.lower()
    if low in NUMBER_WORDS:
        return {NUMBER_WORDS[low]}
    parts = [_norm_number(m.group(0)) for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", tok.text)]
    if not parts:
        v = _hyphen_words_value(low) if "-" in low else None
        return {str(v)} if v is not None else set()
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?(?:[-\u2013/:]\d[\d,]*(?:\.\d+)?)+", tok.text):
        return {"-".join(parts)}
    return set(parts)


#: number words that only ever support a match ("a decade", "the third time"), never flagged
SOFT_NUMBER_WORDS = frozenset({"one", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                               "ninth", "tenth", "half", "halves", "thirds", "fifths", "quarter", "quarters", "once",
                               "twice", "couple", "decade", "decades", "century", "centuries", "dozen"})


def is_number_token(t: Token) -> bool:
    """A token that states a number a reader can check (digits, or a cardinal word)."""
    low = t.text.lower()
    return bool(number_values(t)) and (t.is_number or (low in NUMBER_WORDS and low not in SOFT_NUMBER_WORDS))


def _is_year(v: float) -> bool:
    return v.is_integer() and 1000 <= v <= 2200


@dataclass(frozen=True)
class NumberMention:
    index: int                  # token index
    values: frozenset           # floats, plus exact strings for scores/ranges ("3-1")
    hedged: bool                # "about 40", "almost a fifth"
    start: int = -1             # the token's character offset
    bound: str = ""             # "min" for "more than 100", "max" for "under 50"
    #: the lengths of time it states, as (scale, length): ("s", seconds) for seconds to
    #: fortnights, ("mo", months) for months to decades ('90 minutes', '1.5 hours' and 'an hour
    #: and a half' all state ("s", 5400.0))
    durations: frozenset = frozenset()
    span: tuple = ()            # the token positions of the duration phrase ('a quarter of an hour')
    #: a duration written in words that a reader can check ('half an hour', 'a fortnight',
    #: 'three-day'), where no digit or cardinal word of its own is checked
    word_duration: bool = False
    #: written with a thousands separator ("£1,900"): an amount, never a year
    grouped: bool = False


_SPLIT_NUMBER = re.compile(r"\s?([,.])\s?")
_PM = frozenset({"pm", "p.m", "p.m."})
_AM = frozenset({"am", "a.m", "a.m."})


def _clock_value(tokens, i: int, text: str | None, base: int):
    """A clock time a token (or two, '22:15' is cut at the colon) states, as 'time HH:MM' on
    the 24-hour clock ('10.15 p.m.' and '22:15' agree), with the token positions it used."""
    t = tokens[i].text
    used: list[int] = []
    m = re.fullmatch(r"(\d{1,2})(?:[.:](\d{2}))?((?:[ap]\.?m\.?)?)", t.lower())
    after = tokens[i + 1].text.lower().replace(".", "") if i + 1 < len(tokens) else ""
    if m and (m.group(2) or m.group(3) or after in ("am", "pm")):  # "10.15", "3pm", "1 p.m."
        h, mm, suffix = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    elif text is not None and t.isdigit() and len(t) <= 2 and i + 1 < len(tokens) and \
            re.fullmatch(r"\d{2}", tokens[i + 1].text) and text[tokens[i].end - base:tokens[i + 1].start - base] == ":":
        h, mm, suffix = int(t), int(tokens[i + 1].text), ""
        used.append(i + 1)
        m = None
    else:
        return None
    if h > 24 or mm > 59:
        return None
    nxt = suffix or (tokens[i + 1 + len(used)].text.lower() if i + 1 + len(used) < len(tokens) else "")
    if m and not m.group(2) and nxt not in _PM | _AM and nxt.replace(".", "") not in ("pm", "am"):
        return None
    nxt = nxt.replace(".", "")
    nxt = {"pm": "pm", "am": "am"}.get(nxt, nxt)
    if nxt in _PM and h < 12:
        h += 12
    elif nxt in _AM and h == 12:
        h = 0
    return f"time {h:02d}:{mm:02d}", used


def _bound_before(tokens, i: int) -> str:
    """'min' for a number after 'more than', 'over'; 'max' after 'under', 'up to'; else ''."""
    before = " ".join(x.text.lower() for x in tokens[max(0, i - 3):i])
    return "min" if re.search(r"(more than|over|at least|upwards of|in excess of|above)$", before) else \
        "max" if re.search(r"(less than|fewer than|under|up to|at most|below)$", before) else ""


def _spelled_runs(tokens) -> dict[int, tuple[int, list[int]]]:
    """First token -> (value, the run's other tokens) of each number written in several
    cardinal words ("six thousand seven hundred and fifty", "five thousand", "one hundred and
    twenty"); "and" joins only after "hundred", "thousand" or "million"."""
    out = {}
    i, n = 0, len(tokens)
    while i < n:
        if tokens[i].text.lower() not in _CARDINALS:
            i += 1
            continue
        j = i
        while j + 1 < n:
            nxt = tokens[j + 1].text.lower()
            if tokens[j + 1].start - tokens[j].end > 1:
                break  # punctuation between: "five, six"
            if nxt in _CARDINALS or nxt in _SCALES:
                j += 1
            elif nxt == "and" and tokens[j].text.lower() in _SCALES and j + 2 < n \
                    and tokens[j + 2].text.lower() in _CARDINALS:
                j += 1
            else:
                break
        words = [t.text.lower() for t in tokens[i:j + 1]]
        if j > i and any(w in _SCALES for w in words):
            value = words_value(words)
            if value is not None:
                out[i] = (value, list(range(i + 1, j + 1)))
        i = j + 1
    return out


def number_mentions(tokens: list[Token], text: str | None = None, base: int = 0) -> list[NumberMention]:
    """Every number a token sequence states, with the values it may mean: digits, words,
    '1.2 million' (also 1,200,000), 'two decades' (also 20), 'a fifth' (also 20 percent).
    With the ``text`` the tokens were cut from (offsets minus ``base``), a number written
    apart by a tokeniser ("235 , 000", "98 . 7") also means its joined value."""
    out = []
    skip: set[int] = set()
    spelled = _spelled_runs(tokens)
    for i, t in enumerate(tokens):
        low = t.text.lower()
        raw = number_values(t)
        if not raw or i in skip:
            continue
        vals: set = set()
        if i in spelled:  # "six thousand seven hundred and fifty": one number
            skip.update(spelled[i][1])
        for v in raw:
            try:
                vals.add(float(v))
            except ValueError:
                vals.add(v)
        if text is not None and i + 1 < len(tokens) and t.text.isdigit() and tokens[i + 1].text.isdigit():
            gap = text[t.end - base:tokens[i + 1].start - base]
            m = _SPLIT_NUMBER.fullmatch(gap)
            if m and m.group(1) == "," and len(tokens[i + 1].text) == 3 and len(t.text) <= 3:
                joined, k = t.text + tokens[i + 1].text, i + 1
                skip.add(k)
                while k + 1 < len(tokens) and re.fullmatch(r"\d{3}", tokens[k + 1].text) and \
                        _SPLIT_NUMBER.fullmatch(text[tokens[k].end - base:tokens[k + 1].start - base] or "x") and \
                        "," in text[tokens[k].end - base:tokens[k + 1].start - base]:
                    k += 1
                    joined += tokens[k].text
                    skip.add(k)
                vals.add(float(joined))
            elif m and m.group(1) == ".":
                vals.add(float(t.text + "." + tokens[i + 1].text))
                skip.add(i + 1)
            elif re.fullmatch(r"\s?[-\u2013]\s?", gap) and len(t.text) <= 3 and len(tokens[i + 1].text) <= 3:
                vals.add(f"{_norm_number(t.text)}-{_norm_number(tokens[i + 1].text)}")  # a score "2 - 0"
                skip.add(i + 1)
        vals |= {f for f in lx.FRACTIONS.get(low, ())}
        if low in lx.FRACTIONS:
            vals |= {f / 100.0 for f in lx.FRACTIONS[low]}
        nxt = tokens[i + 1].text.lower() if i + 1 < len(tokens) else ""
        if nxt in ("cents", "pence"):
            vals |= {v / 100.0 for v in list(vals) if isinstance(v, float)}  # "three cents" = 0.03
        suffix = re.sub(r"^[\d.,]+", "", low)
        mult = lx.MULTIPLIERS.get(nxt) or lx.MULTIPLIERS.get(suffix)
        if mult:
            vals |= {v * mult for v in list(vals) if isinstance(v, float)}
        if i + 2 < len(tokens) and tokens[i + 1].text.lower() == "in" and number_values(tokens[i + 2]):
            try:  # "three in five" (also 60 percent)
                a, b = float(next(iter(number_values(t)))), float(next(iter(number_values(tokens[i + 2]))))
                if 0 < a < b:
                    vals |= {100.0 * a / b, a / b}
                    skip.add(i + 2)
            except ValueError:
                pass
        iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t.text)
        if iso:  # an ISO date also states its year, month and day
            vals |= {float(iso.group(1)), float(iso.group(2)), float(iso.group(3))}
        clock = _clock_value(tokens, i, text, base)
        if clock is not None:
            vals.add(clock[0])
            skip.update(clock[1])
        if i in spelled:
            vals = {float(spelled[i][0])}
        hedged = any(tokens[k].text.lower() in lx.HEDGES for k in range(max(0, i - 3), i)) or low in lx.FRACTIONS
        out.append(NumberMention(i, frozenset(vals), hedged, t.start, _bound_before(tokens, i),
                                 grouped=bool(re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", t.text))))
    return _with_durations(tokens, out)


#: units of time: word -> (scale, size). Seconds to fortnights are one scale (in seconds),
#: months to decades another (in months): a month is no fixed number of days
TIME_UNITS = {
    "second": ("s", 1.0), "seconds": ("s", 1.0), "sec": ("s", 1.0), "secs": ("s", 1.0),
    "minute": ("s", 60.0), "minutes": ("s", 60.0), "min": ("s", 60.0), "mins": ("s", 60.0),
    "hour": ("s", 3600.0), "hours": ("s", 3600.0), "hr": ("s", 3600.0), "hrs": ("s", 3600.0), "h": ("s", 3600.0),
    "day": ("s", 86400.0), "days": ("s", 86400.0),
    "week": ("s", 604800.0), "weeks": ("s", 604800.0), "wk": ("s", 604800.0), "wks": ("s", 604800.0),
    "fortnight": ("s", 1209600.0), "fortnights": ("s", 1209600.0),
    "month": ("mo", 1.0), "months": ("mo", 1.0),
    "year": ("mo", 12.0), "years": ("mo", 12.0), "yr": ("mo", 12.0), "yrs": ("mo", 12.0),
    "decade": ("mo", 120.0), "decades": ("mo", 120.0),
}
#: units a reader takes as a length of time after "a"/"an" on their own ('a fortnight', 'an
#: hour'; not 'a second', the ordinal; not the abbreviations)
_BARE_UNITS = frozenset({"minute", "hour", "day", "week", "fortnight", "month", "year", "decade"})
#: units written only after digits ('4 h', '30 sec'): after a word they mean something else
_DIGIT_ONLY_UNITS = frozenset({"h", "hr", "hrs", "sec", "secs", "min", "mins", "wk", "wks", "yr", "yrs", "second"})
#: the share of a unit a fraction word states ('half an hour', 'a quarter of an hour',
#: 'three quarters of an hour': the count before a plural multiplies it)
_UNIT_FRACTIONS = {"half": 0.5, "quarter": 0.25, "quarters": 0.25, "third": 1 / 3, "thirds": 1 / 3}
#: verbs in -s that take a length of time ('it takes a day', 'the course lasts a week')
_LENGTH_VERBS = frozenset({"takes", "lasts", "needs", "spends", "waits", "runs", "rests", "requires", "gets",
                           "is", "was", "has", "stays", "remains", "sits", "leaves", "keeps", "goes"})


def _plural_measure(word: str) -> bool:
    """A plural noun before "a"/"an" + unit makes a rate ('two litres a minute', 'sessions a
    week', 'miles an hour'); a verb in -s takes a length ('it takes a day')."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")) and word not in _LENGTH_VERBS


#: words before "a"/"an" that make "a day" a rate ('twice a day', 'per week'), not a length
_RATE_WORDS = frozenset({"once", "twice", "thrice", "times", "per", "every", "each"})
#: words after 'a week' that keep it a length of time ('a week later', 'an hour long')
_AFTER_LENGTH = frozenset({"later", "earlier", "ago", "long", "before", "after", "early", "late", "afterwards",
                           "beforehand", "previously", "since", "behind", "ahead", "more", "less", "longer",
                           "shorter", "old", "overdue", "away"})
_FUSED_UNIT = re.compile(r"(\d+(?:\.\d+)?|[a-z]+)-?(" + "|".join(sorted(TIME_UNITS, key=len, reverse=True))
                         + r")")
_ORDINAL_WORDS = frozenset({"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                            "tenth", "once", "twice", "half", "quarter", "quarters", "halves", "thirds", "fifths",
                            "couple", "dozen", "decade", "decades", "century", "centuries", "hundred", "thousand",
                            "million", "billion"})


def _count_of(tok: Token) -> list[float]:
    """The plain counts a token states before a unit ('48' -> [48], 'two' -> [2], '2-3' -> [2, 3],
    '1\u00bd' -> [1.5]); none for an ordinal ('90th', 'second') or a multiplier word."""
    low = tok.text.lower()
    if low in _ORDINAL_WORDS or re.fullmatch(r"\d+(?:st|nd|rd|th)", low):
        return []
    if low in NUMBER_WORDS:
        return [float(NUMBER_WORDS[low])]
    half = 0.5 if low.endswith("\u00bd") else 0.0
    low = low.rstrip("\u00bd") or ("0" if half else "")
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", low):
        return [float(low.replace(",", "")) + half]
    if re.fullmatch(r"\d+(?:\.\d+)?(?:[-\u2013]\d+(?:\.\d+)?)", low):  # a range '2-3' (hours)
        return [float(x) for x in re.split(r"[-\u2013]", low)]
    return []


def _unit_word(tok: Token) -> str:
    """A token as a unit of time is read: the possessive of measure dropped ("a week's time",
    "two hours' drive")."""
    low = tok.text.lower().replace("\u2019", "'")
    return low[:-2] if low.endswith("'s") else low.rstrip("'")


def _unit_at(tokens, k: int, after_digits: bool) -> tuple[str, float] | None:
    if k >= len(tokens):
        return None
    low = _unit_word(tokens[k])
    if low not in TIME_UNITS or (low in _DIGIT_ONLY_UNITS and not after_digits):
        return None
    return TIME_UNITS[low]


def _and_a_half(tokens, k: int) -> bool:
    """'and a half' starts at token k."""
    return [t.text.lower() for t in tokens[k:k + 3]] == ["and", "a", "half"]


def _duration_phrases(tokens) -> list[tuple[list[int], tuple[str, float], bool, tuple[int, int]]]:
    """The lengths of time a token sequence states: (the positions of its count words, which
    carry it; (scale, length); written in words a reader can check; the phrase's first and
    last positions). '48 hours', '2-3 hours', '30-minute', 'two and a half hours', 'half an hour',
    'a quarter of an hour', 'three quarters of an hour', 'an hour and a half', 'a day and a
    half', 'a fortnight', 'a week' (not a rate: 'twice a week', '\u00a35 a day')."""
    low = [t.text.lower() for t in tokens]
    out: list[tuple[list[int], tuple[str, float], bool, tuple[int, int]]] = []
    used: set[int] = set()
    n = len(tokens)
    for i, t in enumerate(tokens):
        if i in used:
            continue
        w = low[i]
        counts = _count_of(t)
        if counts:
            digits = bool(re.match(r"\d", w))
            # 'two and a half hours'
            if len(counts) == 1 and _and_a_half(tokens, i + 1) and (u := _unit_at(tokens, i + 4, digits)):
                out.append(([i, i + 3], (u[0], (counts[0] + 0.5) * u[1]), False, (i, i + 4)))
                used.update(range(i, i + 5))
                continue
            if (u := _unit_at(tokens, i + 1, digits)) is not None:
                extra = 0.5 if len(counts) == 1 and _and_a_half(tokens, i + 2) else 0.0  # 'two hours and a half'
                for c in counts:
                    out.append(([i], (u[0], (c + extra) * u[1]), False, (i, i + 1 + (3 if extra else 0))))
                used.update(range(i, i + 2))
                continue
        m = _FUSED_UNIT.fullmatch(w)
        if m and (m.group(1)[0].isdigit() or m.group(1) in NUMBER_WORDS) and m.group(1) not in _ORDINAL_WORDS \
                and not (m.group(2) in _DIGIT_ONLY_UNITS and not m.group(1)[0].isdigit()):
            scale, size = TIME_UNITS[m.group(2)]
            c = float(m.group(1)) if m.group(1)[0].isdigit() else float(NUMBER_WORDS[m.group(1)])
            out.append(([i], (scale, c * size), not m.group(1)[0].isdigit(), (i, i)))  # '30-minute', 'three-day'
            continue
        if w in ("half-hour", "quarter-hour"):
            first = i - 1 if i > 0 and low[i - 1] in ("a", "an") else i
            out.append(([i], ("s", 1800.0 if w.startswith("half") else 900.0), True, (first, i)))
            continue
        fused = re.fullmatch(r"([a-z]+|\d+)-(" + "|".join(_UNIT_FRACTIONS) + ")", w)  # 'three-quarters'
        if w in _UNIT_FRACTIONS or (fused and fused.group(1) in NUMBER_WORDS | {"a": "1"} or fused
                                    and fused.group(1).isdigit()):
            # 'half an hour', 'half a day', 'a quarter of an hour', 'three quarters of an hour', 'half hour'
            k = i + 1
            if k < n and low[k] == "of":
                k += 1
            if k < n and low[k] in ("a", "an"):
                k += 1
            u = _unit_at(tokens, k, False)
            if u is None or _unit_word(tokens[k]) not in _BARE_UNITS or \
                    (k == i + 1 and w not in ("half", "quarter")):
                continue
            frac = fused.group(2) if fused else w
            share = _UNIT_FRACTIONS[frac]
            carriers = [i]
            if fused:
                word = fused.group(1)
                share *= float(word) if word.isdigit() else float(NUMBER_WORDS.get(word, "1"))
            elif w.endswith("s"):  # 'three quarters', 'two thirds'
                before = _count_of(tokens[i - 1]) if i > 0 else []
                if len(before) != 1:
                    continue
                share *= before[0]
                carriers = [i - 1, i]
            first = carriers[0] - 1 if carriers[0] > 0 and low[carriers[0] - 1] in ("a", "an") else carriers[0]
            out.append((carriers, (u[0], share * u[1]), True, (first, k)))
            used.update(range(i, k + 1))
            continue
        if w in ("a", "an") and i + 1 < n and _unit_word(tokens[i + 1]) in _BARE_UNITS:
            # the word right before (punctuation between ends the phrase: 'half, a week')
            prev = low[i - 1] if i > 0 and tokens[i].start - tokens[i - 1].end <= 1 else ""
            if prev in _RATE_WORDS or prev in TIME_UNITS or re.search(r"\d", prev) or prev in NUMBER_WORDS \
                    or _plural_measure(prev):
                continue  # a rate: 'twice a day', '\u00a330,000 a year', 'three hours a week', 'two litres a minute'
            if prev == "of":
                continue  # a part of one: 'most of a day', 'the rest of the year'
            nxt = tokens[i + 2] if i + 2 < n and tokens[i + 2].start - tokens[i + 1].end <= 1 else None
            if nxt is not None and low[i + 1] == _unit_word(tokens[i + 1]) and is_content(nxt) \
                    and nxt.text.lower() not in _AFTER_LENGTH:
                continue  # the article of a compound: 'a year period', 'a day trip'
            scale, size = TIME_UNITS[_unit_word(tokens[i + 1])]
            if _and_a_half(tokens, i + 2):  # 'an hour and a half', 'a day and a half'
                out.append(([i + 1], (scale, 1.5 * size), True, (i, i + 4)))
                used.update(range(i, i + 5))
            else:
                out.append(([i + 1], (scale, size), True, (i, i + 1)))
                used.update(range(i, i + 2))
    return out


def _with_durations(tokens, mentions: list[NumberMention]) -> list[NumberMention]:
    """The mentions, each carrying the lengths of time its phrase states; a duration written
    without a number token of its own ('an hour', 'half-hour') gets a mention with no values."""
    phrases = _duration_phrases(tokens)
    if not phrases:
        return mentions
    by_index = {m.index: m for m in mentions}
    for carriers, dur, words, (first, last) in phrases:
        span = tuple(range(first, last + 1))
        for i in carriers:
            m = by_index.get(i)
            if m is None:
                t = tokens[i]
                hedged = any(tokens[k].text.lower() in lx.HEDGES for k in range(max(0, first - 3), first))
                m = NumberMention(i, frozenset(), hedged, t.start, _bound_before(tokens, first))
            by_index[i] = replace(m, durations=m.durations | {(dur[0], round(dur[1], 6))}, span=m.span or span,
                                  word_duration=m.word_duration or words)
    return sorted(by_index.values(), key=lambda m: m.index)


def duration_supported(m: NumberMention, pool: list[NumberMention], arithmetic: bool = False) -> bool:
    """True when a length of time ``m`` states is one the pool states, in any unit ('90
    minutes' for 'an hour and a half', 'two days' for '48 hours'); within 12% when hedged;
    with ``arithmetic``, the sum or difference of two lengths the pool states (not the ends of
    a range: '25-30 minutes' and '10 minutes' make no 15)."""
    if not m.durations:
        return False
    for scale, c in m.durations:
        same = [v for p in pool for s, v in p.durations if s == scale]
        if any(_close(c, v, 1e-9) for v in same):
            return True
        if m.hedged and any(_close(c, v, 0.12) for v in same):
            return True
        if m.bound == "min" and any(c < v <= 2 * c for v in same):
            return True
        if m.bound == "max" and any(c / 2 <= v < c for v in same):
            return True
        if arithmetic:
            plain = sorted({v for p in pool if not any(isinstance(x, str) for x in p.values)
                            for s, v in p.durations if s == scale})[:40]
            if scale == "s":  # the time between two clock times ('14:02' to '14:49': 47 minutes)
                clocks = sorted({int(x[5:7]) * 3600 + int(x[8:10]) * 60 for p in pool for x in p.values
                                 if isinstance(x, str) and x.startswith("time ")})[:40]
                if any(_close(c, b - a, 1e-9) for k, a in enumerate(clocks) for b in clocks[k + 1:]):
                    return True
            if any(_close(c, b - a, 1e-9) or _close(c, a + b, 1e-9)
                   for k, a in enumerate(plain) for b in plain[k + 1:]):
                return True
    return False


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-9)


def number_supported(m: NumberMention, pool: list[NumberMention], arithmetic: bool = False) -> bool:
    """True when ``m`` matches a number of ``pool``: the same value; within 12% when the
    claim hedges it ("almost a fifth" for 18%, never for years); with ``arithmetic``, the sum
    or difference of two pool numbers ("£8,000 over budget" for 48,000 against 40,000)."""
    if duration_supported(m, pool, arithmetic):
        return True
    pv = [v for p in pool for v in p.values]
    fv = [v for v in pv if isinstance(v, float)]
    for v in pv:  # the ends of a range or score in the pool
        if isinstance(v, str) and re.fullmatch(r"[\d.]+(?:-[\d.]+)+", v):
            fv += [float(x) for x in v.split("-") if re.fullmatch(r"\d+(?:\.\d+)?", x)]
    for c in m.values:
        if isinstance(c, str):
            if c in pv:
                return True
            continue
        if any(_close(c, v, 1e-9) for v in fv):
            return True
        if m.hedged and not _is_year(c) and any(_close(c, v, 0.12) for v in fv if not _is_year(v)):
            return True
        if m.bound == "min" and not _is_year(c) and any(c < v <= 2 * c for v in fv if not _is_year(v)):
            return True  # "more than 100" for 117
        if m.bound == "max" and not _is_year(c) and any(c / 2 <= v < c for v in fv if not _is_year(v)):
            return True  # "under 50" for 46
    if arithmetic:
        years = sorted({v for v in fv if _is_year(v)})
        for c in m.values:  # a span of years ("after seven years" between 1968 and 1975)
            if isinstance(c, float) and 0 < c < 200 and any(_close(c, y2 - y1, 1e-9) for k, y1 in enumerate(years)
                                                             for y2 in years[k + 1:]):
                return True
        amounts = {v for p in pool if p.grouped for v in p.values if isinstance(v, float)}
        nums = sorted({v for v in fv if (not _is_year(v) or v in amounts) and v > 0})[:40]
        for c in m.values:
            if isinstance(c, float) and c > 0 and (not _is_year(c) or m.grouped):  # "NOK 1,500 less"
                for x in range(len(nums)):
                    for y in range(x + 1, len(nums)):
                        if _close(c, nums[y] - nums[x], 1e-9) or _close(c, nums[y] + nums[x], 1e-9):
                            return True
    return False

_MONTH_NAMES = MONTHS[:12]
_MONTH_ABBR = {m[:3]: m for m in _MONTH_NAMES} | {"sept": "september"}

def _month_of(tok: Token) -> str | None:
    low = tok.text.lower().rstrip(".")
    if low in _MONTH_NAMES:
        return low
    if low in _MONTH_ABBR and tok.text[:1].isupper():
        return _MONTH_ABBR[low]
    return None


def _day_of(tok: Token) -> int | None:
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", tok.text.lower())
    if m and 1 <= int(m.group(1)) <= 31:
        return int(m.group(1))
    return None


@dataclass(frozen=True)
class DateMention:
    index: int          # the day's token (else the month's)
    month: str
    day: int | None
    text: str


def date_mentions(tokens) -> list[DateMention]:
    """Full dates a token sequence states: '12 September', 'September 12', '12th of Sept.'
    (the day is None for a month on its own: 'in May 2024')."""
    out = []
    for i, t in enumerate(tokens):
        month = _month_of(t)
        if month is None or (t.text.lower() == "may" and not t.text[:1].isupper()):
            continue
        day, k = None, i
        if i >= 1 and _day_of(tokens[i - 1]) is not None:
            day, k = _day_of(tokens[i - 1]), i - 1
        elif i >= 2 and tokens[i - 1].text.lower() == "of" and _day_of(tokens[i - 2]) is not None:
            day, k = _day_of(tokens[i - 2]), i - 2
        elif i + 1 < len(tokens) and _day_of(tokens[i + 1]) is not None and not (
                i + 2 < len(tokens) and tokens[i + 2].text.lower() in ("percent", "per", "%")):
            day, k = _day_of(tokens[i + 1]), i + 1
        shown = " ".join(x.text for x in tokens[min(i, k):max(i, k) + 1])
        out.append(DateMention(k, month, day, shown))
    return out


_WEEKDAY_ABBR = {"mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "thu": "thursday",
                 "thur": "thursday", "thurs": "thursday", "fri": "friday", "sat": "saturday", "sun": "sunday"}


def _date_word(tok: Token, tokens=None, i: int | None = None) -> str | None:
    """The month or weekday a token names ('Saturdays' names Saturday), else None. Given the
    token's sequence and position, a capitalised abbreviation next to a day of the month
    names one too ('Sat 5 Dec', 'Thu 19 Nov')."""
    low = tok.text.lower()
    if low in MONTHS:
        return low
    if low.endswith("s") and low[:-1] in MONTHS[12:]:
        return low[:-1]
    if tokens is not None and tok.text[:1].isupper():
        short = low.rstrip(".")
        full = _WEEKDAY_ABBR.get(short) or _MONTH_ABBR.get(short)
        if full and any(0 <= k < len(tokens) and _day_of(tokens[k]) is not None for k in (i - 1, i + 1)):
            return full
    return None
