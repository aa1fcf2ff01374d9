"""Closed word lists the checks use: facts of English, not of any one genre or data set.

Number words and fractions, hedges, quantifiers, modality and exclusion markers,
country names and their adjectives, and opposite pairs. Everything is lower-case;
the checks compare stems (``evalharness.scorers.text.stem``) where a list says so.
"""

from __future__ import annotations

from functools import lru_cache

# -- numbers -----------------------------------------------------------------------------
NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
    "ninety": "90", "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000",
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7",
    "eighth": "8", "ninth": "9", "tenth": "10", "half": "0.5", "dozen": "12", "couple": "2",
    "once": "1", "twice": "2", "decade": "10", "decades": "10", "century": "100", "centuries": "100",
    "quarter": "4", "quarters": "4", "halves": "2", "thirds": "3", "fifths": "5",
}
#: fractions a summary may write for a percentage or a share ("a fifth" = 20 percent = 0.2)
FRACTIONS = {
    "half": (50.0,), "halves": (50.0,), "third": (33.3, 33.0, 33.33), "thirds": (66.7, 67.0, 66.67),
    "quarter": (25.0,), "quarters": (75.0,), "fifth": (20.0,), "fifths": (40.0, 60.0, 80.0),
    "tenth": (10.0,), "tenths": (),
}
#: words that scale the number before them ("1.2 million", "two decades")
MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
               "b": 1e9, "trillion": 1e12, "tn": 1e12, "decade": 10.0, "decades": 10.0, "dozen": 12.0,
               "dozens": 12.0, "century": 100.0, "centuries": 100.0, "hundred": 100.0}

#: words that make a number approximate ("about 40", "almost a fifth", "more than 80")
HEDGES = frozenset("""about around approximately roughly nearly almost some circa approx close over under
more less fewer than just up upwards least most estimated""".split())

# -- modality and time -------------------------------------------------------------------
#: markers that an event is planned, possible, proposed or conditional, not a fact that happened
MODAL = frozenset("""will would may might could should shall can plan plans planned planning intend intends
intended aim aims aimed hope hopes hoped expect expects expected expecting propose proposes proposed consider
considers considering possible possibly potential potentially likely unlikely if unless whether scheduled due
set later next upcoming future forthcoming prospective suggest suggests suggested want wants wanted""".split())
# -- negation, exclusion, hedged negation -------------------------------------------
NEGATIONS = frozenset({"not", "no", "never", "n't", "nobody", "nothing", "none", "neither", "nor", "without",
                       "cannot", "didn't", "doesn't", "don't", "isn't", "wasn't", "weren't", "won't", "hasn't",
                       "haven't", "hadn't", "couldn't", "wouldn't", "shouldn't", "aren't"})
EXCLUSION = frozenset("""excluding exclude excludes excluded except exception apart besides other outside omit
omits omitted omitting lacks lacking""".split())
INCLUSION = frozenset("""including include includes included inclusive covers cover covered covering
comprising comprises contains contain""".split())
#: words and phrases that carry a negation without "not" ("short of significance", "the lack of
#: charging", "rather than the router"): a claim using them is not a claim that dropped one
NEGATION_LIKE = frozenset("""lack lacks lacking lacked absence absent short fail fails failed failure unable
refuse refuses refused decline declines declined deny denies denied missing without rather instead neither
nor exempt free zero nothing none never""".split())
#: words that make a negation epistemic ("could not prove", "no evidence that"): the claim
#: "may not be causal" then restates it rather than contradicting it
EPISTEMIC = frozenset("""prove proven proved show shown showed establish established confirm confirmed
determine determined demonstrate demonstrated evidence clear certain sure known conclusive
conclude concluded causal cause caused""".split())

# -- countries and their adjectives ------------------------------------------------------
_COUNTRIES = """
afghanistan afghan; albania albanian; algeria algerian; argentina argentine argentinian; armenia armenian;
australia australian; austria austrian; azerbaijan azerbaijani; bangladesh bangladeshi; belarus belarusian;
belgium belgian; bolivia bolivian; bosnia bosnian; brazil brazilian; britain british; bulgaria bulgarian;
cambodia cambodian; cameroon cameroonian; canada canadian; chile chilean; china chinese; colombia colombian;
croatia croatian; cuba cuban; cyprus cypriot; czechia czech; denmark danish dane danes; ecuador ecuadorian;
egypt egyptian; england english; estonia estonian; ethiopia ethiopian; europe european; finland finnish finn;
france french; georgia georgian; germany german; ghana ghanaian; greece greek; hungary hungarian;
iceland icelandic; india indian; indonesia indonesian; iran iranian; iraq iraqi; ireland irish; israel israeli;
italy italian; jamaica jamaican; japan japanese; jordan jordanian; kazakhstan kazakh; kenya kenyan;
korea korean; kosovo kosovan; kuwait kuwaiti; latvia latvian; lebanon lebanese; libya libyan;
lithuania lithuanian; luxembourg luxembourgish; malaysia malaysian; mali malian; malta maltese;
mexico mexican; moldova moldovan; mongolia mongolian; morocco moroccan; nepal nepali nepalese;
netherlands dutch holland; zealand zealander; nigeria nigerian; norway norwegian; pakistan pakistani;
palestine palestinian; peru peruvian; philippines filipino philippine; poland polish pole; portugal portuguese;
qatar qatari; romania romanian; russia russian; rwanda rwandan; saudi arabian; scotland scottish scot;
senegal senegalese; serbia serbian; singapore singaporean; slovakia slovak slovakian; slovenia slovenian;
somalia somali; spain spanish spaniard; sudan sudanese; sweden swedish swede; switzerland swiss; syria syrian;
taiwan taiwanese; thailand thai; tunisia tunisian; turkey turkish turk; uganda ugandan; ukraine ukrainian;
uruguay uruguayan; venezuela venezuelan; vietnam vietnamese; wales welsh; yemen yemeni; zambia zambian;
zimbabwe zimbabwean; america american; usa american; us american; uk british; africa african; asia asian
"""


@lru_cache(maxsize=1)
def demonym_groups() -> dict[str, frozenset[str]]:
    """stem -> the stems of the same country (name and adjectives): 'danish' ~ 'denmark';
    groups that share a word are one ('britain', 'british', 'uk')."""
    from ..text import stem
    groups: list[set[str]] = []
    for group in _COUNTRIES.replace("\n", " ").split(";"):
        stems = {stem(w) for w in group.split()}
        if not stems:
            continue
        merged = [g for g in groups if g & stems]
        for g in merged:
            stems |= g
            groups.remove(g)
        groups.append(stems)
    return {s: frozenset(g) for g in groups for s in g}


# -- opposites -------------------------------------------------------------------------
ANTONYM_PAIRS = """
increase decrease, increase reduce, increase cut, rise fall, rise drop, rise decline, grow shrink, gain lose,
gain loss, win lose, win loss, won lost, beat lost, victory defeat, up down, more less, more fewer, higher lower,
high low, larger smaller, largest smallest, biggest smallest, bigger smaller, better worse, best worst, before after,
earlier later, first last, open close, opened closed, accept reject, approve reject, approved rejected,
allow ban, allow prohibit, support oppose, agree disagree, confirm deny, admit deny, guilty innocent,
guilty acquitted, convicted acquitted, arrive leave, arrive depart, start end, start finish, begin end,
join leave, hire fire, import export, include exclude, success failure,
succeed fail, strong weak, rich poor, young old, alive dead, survive die, male female, man woman, men women,
husband wife, son daughter, father mother, boy girl, king queen, north south, east west, left right, inside outside,
public private, legal illegal, positive negative, true false, full empty, safe dangerous, easy difficult,
cheap expensive, long short, fast slow, hot cold, wet dry, love hate, remember forget, attack defend,
raise lower, add remove, maximum minimum, majority minority, top bottom, above below, over under,
domestic foreign, permanent temporary, lowest highest, ally enemy, release arrest, resign appoint,
unanimous divided, cheaper dearer, profit loss, surplus deficit, winner loser, pass fail, passed failed, cancel confirm, cancelled confirmed, increased decreased,
rose fell, gained lost, improved worsened, improve worsen, expand shrink, upgrade downgrade, overestimate
underestimate, above-average below-average, inbound outbound, optional mandatory, optional compulsory,
voluntary mandatory, required optional, online offline, included excluded,
agree decline, agreed declined, agrees declines, agree refuse, agreed refused, agrees refuses,
accept decline, accepted declined, accept refuse, accepted refused, accepted rejected, accepts rejects,
wins loses, winning losing, beat lose, rises falls, rising falling, risen fallen, increases decreases,
grew shrank, gains losses, granted denied, grant deny, approve deny, approved denied, allowed banned,
allowed prohibited, passed rejected, succeeded failed, raised lowered, raised cut, expanded shrank,
upheld overturned, uphold overturn, acquitted convicted, hired fired, opened shut, started stopped,
resumed suspended, resume suspend, enabled disabled, enable disable, added removed, joined left,
unlimited limited, unlimited capped, unlimited restricted, unrestricted restricted, refundable non-refundable,
available unavailable, supported unsupported, compatible incompatible, permitted prohibited, permitted forbidden,
allowed forbidden, partial full, partially fully, minor major, indoor outdoor, indoors outdoors
"""


@lru_cache(maxsize=1)
def antonym_table() -> dict[str, frozenset[str]]:
    from ..text import stem
    out: dict[str, set[str]] = {}
    for pair in ANTONYM_PAIRS.replace("\n", " ").split(","):
        words = pair.split()
        if len(words) != 2:
            continue
        a, b = stem(words[0]), stem(words[1])
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}


#: verbs whose object changes hands: "capturing land", "seized territory" say the thing
#: was someone else's (used by the possession check)
TAKING = frozenset("""capture captured capturing seize seized seizing take taken took taking occupy occupied
occupying annex annexed annexing conquer conquered win won grab grabbed""".split())
#: the taking verbs that say the thing belonged to someone else before ("capturing land"); "took
#: his gun" says nothing of whose gun it was
SEIZING = frozenset("""capture captured capturing seize seized seizing occupy occupied occupying annex annexed
annexing conquer conquered retake retaken retook recapture recaptured""".split())

#: derivational endings stripped before comparing two words ("causal" ~ "caused")
DERIVATIONAL = ("ations", "ation", "ities", "ity", "ments", "ment", "ness", "ions", "ion", "ally", "ical", "ial",
                "al", "ive", "ing", "ed", "es", "ers", "er", "ly", "s", "e")

#: evaluative words a summary adds as colour ("in a bizarre turn of events"); flagged only
#: when the source uses neither the word nor one of its forms
#: Only words of stance (the writer's judgement); words that describe an event and that reports
#: use as description ("controversial", "unprecedented", "bitter dispute", "historic", "massive")
#: are left to the coverage checks.
EDITORIAL = frozenset("""bizarre shocking stunning surprising surprisingly astonishing remarkable remarkably
incredible incredibly amazing sensational spectacular staggering outrageous scandalous heroic shameful
disgraceful embarrassing humiliating miraculous unfortunate unfortunately luckily fortunately sadly
ironically shockingly thankfully impressive impressively disappointing disappointingly dismal stellar weird
rightly wrongly deservedly undeservedly brilliant brilliantly superb excellent outstanding exceptional
exceptionally admirable commendable laudable regrettable regrettably lamentable woeful dreadful terrible
fantastic wonderful damning scathing glowing resounding triumphant masterful breakthrough alarming alarmingly
worrying worryingly troubling appalling appallingly shoddy sloppy egregious impeccable flawless landmark
groundbreaking ground-breaking pioneering""".split())
#: intensifiers that make a plain word an evaluation ("highly successful", "hugely popular")
INTENSIFIERS = frozenset("""highly hugely enormously extremely remarkably wildly tremendously immensely""".split())


#: standard abbreviations whose letters are not the initials of the words they stand for
#: (or that stand for one word): abbreviation -> words the source may write instead
ABBREVIATIONS = {
    "iv": ("intravenous", "intravenously"), "im": ("intramuscular",), "po": ("oral", "orally", "mouth"),
    "bp": ("blood", "pressure"), "hr": ("human", "heart"), "phd": ("doctorate", "doctoral", "doctor"),
    "ceo": ("chief", "executive"), "cfo": ("chief", "financial"), "cto": ("chief", "technical", "technology"),
    "ai": ("artificial", "intelligence"), "it": (), "pm": ("afternoon", "evening", "prime"),
    "am": ("morning",), "ip": ("intellectual", "internet"), "uk": ("britain", "kingdom"), "us": ("america", "states"),
    "eu": ("europe", "union"), "un": ("nations",), "gp": ("doctor", "practitioner"), "ae": ("emergency",),
    "icu": ("intensive",), "er": ("emergency",), "hq": ("headquarters", "head"), "faq": ("questions",),
    "qa": ("quality", "questions"), "ui": ("interface",), "os": ("operating",), "db": ("database",),
    "vat": ("tax",), "gdp": ("output", "domestic"), "yoy": ("year",), "ebitda": ("earnings",),
    "kpi": ("indicator", "indicators"), "sla": ("service",), "rsvp": ("reply",), "eta": ("arrival",),
}

#: currency codes written next to an amount ("NOK 650", "2,100 USD")
CURRENCY_CODES = frozenset("""GBP USD EUR NOK SEK DKK CHF JPY CNY AUD CAD NZD INR ZAR PLN CZK HUF ISK TRY BRL MXN SGD HKD
KRW AED SAR""".split())

#: days with a name of their own, and their date (month, day): "New Year's Eve" is 31 December
HOLIDAYS = {("new", "year's", "eve"): (12, 31), ("new", "year's", "day"): (1, 1), ("christmas", "eve"): (12, 24),
            ("christmas", "day"): (12, 25), ("boxing", "day"): (12, 26), ("halloween",): (10, 31),
            ("valentine's", "day"): (2, 14), ("st", "patrick's", "day"): (3, 17), ("new", "year"): (1, 1)}

#: units named after people, and the symbol a source writes after a number instead ("50 °C")
UNIT_NAMES = {"celsius": "c", "centigrade": "c", "fahrenheit": "f", "kelvin": "k"}

# -- causes --------------------------------------------------------------------------------
#: connectives that state a cause (a claim using one says the source links the two facts)
CAUSAL_WORDS = frozenset({"because", "therefore", "hence", "thus"})
CAUSAL_PAIRS = frozenset({("due", "to"), ("owing", "to"), ("caused", "by"), ("thanks", "to"), ("led", "to"),
                          ("leading", "to"), ("resulted", "in"), ("resulting", "in"), ("driven", "by"),
                          ("triggered", "by"), ("prompted", "by")})
#: any word with which a text states a cause or a reason (the evidence then makes some link)
CAUSAL_MARKERS = frozenset("""because cause caused causes causing due owing result results resulted resulting
led lead leads leading thanks since so therefore hence thus consequently reason reasons why driven drove drive
trigger triggered triggering prompted attributed blamed behind after following amid following explains
explained stemmed stems root as given reflect reflects reflected reflecting helped boosted lifted fuelled
fueled offset weighed contributed contributing then""".split())
#: word pairs with which evidence states where something came from ("the growth came from prices")
CAUSAL_EVIDENCE_PAIRS = frozenset({("came", "from"), ("comes", "from"), ("come", "from"), ("coming", "from"),
                                   ("down", "to"), ("result", "of"), ("stem", "from"), ("so", "that")})


#: verbs that attribute words or a view to a speaker ("he said that", "citing a study", "advises
#: callers to"), not those that add a judgement of their own ("admitted", "warned"): a summary of speech (a transcript, an interview, a chat, a review in
#: the first person) uses them where its source has only the speaker's own words, so they are
#: not invented detail (what is said is checked word by word)
REPORTING = frozenset("""say says said saying tell tells told telling note notes noted noting add adds added adding
cite cites cited citing advise advises advised advising
argue argues argued arguing suggest suggests suggested suggesting recommend recommends recommended recommending
urge urges urged urging want wants wanted back backs backing answer answers answered answering call calls called
describe describes described describing explain explains explained explaining mention mentions mentioned
mentioning stress stresses stressed stressing
reply replies replied replying respond responds responded responding ask asks asked asking""".split())

#: nouns that stand for something already said ("the idea", "that sum", "other options"): their
#: content is the earlier words they refer back to, so they are not invented detail either
SHELL_NOUNS = frozenset("""idea ideas option options sum sums amount amounts figure figures thing things matter
matters aspect aspects""".split())
