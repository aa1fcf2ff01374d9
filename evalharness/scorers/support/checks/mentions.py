"""Numbers and dates as a text states them: parsing only, no check (the number and date
checks, in ``numbers``, and the LM slot check read these)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...text import Token
from .. import lexicon as lx

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

NUMBER_WORDS = lx.NUMBER_WORDS

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


_SPLIT_NUMBER = re.compile(r"\s?([,.])\s?")
_PM = frozenset({"pm", "p.m", "p.m."})
_AM = frozenset({"am", "a.m", "a.m."})


def _clock_value(tokens, i: int, text: str | None, base: int):
    """A clock time a token (or two, '22:15' is cut at the colon) states, as 'time HH:MM' on
    the 24-hour clock ('10.15 p.m.' and '22:15' agree), with the token positions it used."""
    t = tokens[i].text
    used: list[int] = []
    m = re.fullmatch(r"(\d{1,2})(?:[.:](\d{2}))?((?:[ap]\.?m\.?)?)", t.lower())
    if m and (m.group(2) or m.group(3)):
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


def number_mentions(tokens: list[Token], text: str | None = None, base: int = 0) -> list[NumberMention]:
    """Every number a token sequence states, with the values it may mean: digits, words,
    '1.2 million' (also 1,200,000), 'two decades' (also 20), 'a fifth' (also 20 percent).
    With the ``text`` the tokens were cut from (offsets minus ``base``), a number written
    apart by a tokeniser ("235 , 000", "98 . 7") also means its joined value."""
    out = []
    skip: set[int] = set()
    for i, t in enumerate(tokens):
        low = t.text.lower()
        raw = number_values(t)
        if not raw or i in skip:
            continue
        vals: set = set()
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
        hedged = any(tokens[k].text.lower() in lx.HEDGES for k in range(max(0, i - 3), i)) or low in lx.FRACTIONS
        before = " ".join(x.text.lower() for x in tokens[max(0, i - 3):i])
        bound = "min" if re.search(r"(more than|over|at least|upwards of|in excess of|above)$", before) else \
            "max" if re.search(r"(less than|fewer than|under|up to|at most|below)$", before) else ""
        out.append(NumberMention(i, frozenset(vals), hedged, t.start, bound))
    return out


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-9)


def number_supported(m: NumberMention, pool: list[NumberMention], arithmetic: bool = False) -> bool:
    """True when ``m`` matches a number of ``pool``: the same value; within 12% when the
    claim hedges it ("almost a fifth" for 18%, never for years); with ``arithmetic``, the sum
    or difference of two pool numbers ("£8,000 over budget" for 48,000 against 40,000)."""
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
        nums = sorted({v for v in fv if not _is_year(v) and v > 0})[:40]
        for c in m.values:
            if isinstance(c, float) and c > 0 and not _is_year(c):
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


def _date_word(tok: Token) -> str | None:
    """The month or weekday a token names ('Saturdays' names Saturday), else None."""
    low = tok.text.lower()
    if low in MONTHS:
        return low
    if low.endswith("s") and low[:-1] in MONTHS[12:]:
        return low[:-1]
    return None
