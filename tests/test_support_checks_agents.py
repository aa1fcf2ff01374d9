"""wrong_agent, found through the predicate: a name the claim makes the doer of an act that
the source, anywhere (not only in the evidence the retriever picked), gives to another name
("Newcastle University now holds her papers" against "Her papers are held by the Institution
of Civil Engineers"). Hand-made sentences in several genres, firing and not firing (no model:
the word-paraphrase judge is a stub that accepts nothing)."""

import pytest

from evalharness.scorers.support.checks.context import verb_lemma
from tests.helpers.checks import no_paraphrase, run






def blamed(chk):
    return [chk.tokens[i].text for i in chk.findings["wrong_agent"].blamed]


BIO = ("Ada Moreno was born in Porto in 1931. She returned to England as a lecturer at Leeds University and "
       "in 1970 became its first female professor of chemistry. Her letters are held by the British Library "
       "in London.")
FIRM = ("Harlow Foods bought the Kestrel crisps brand in 2019 for £40m. Its rival Marsh Holdings opened a "
        "plant in Derby the same year.")
MATCH = ("Rovers beat United 2-1 on Saturday. Ana Ruiz scored the winning goal in the 80th minute. "
         "Tariq Bello missed a penalty before half-time.")
LECTURE = ("In 1866 Gregor Mendel published his work on pea plants in a little-read journal. Charles Darwin "
           "kept a large library at Down House.")
CONTRACT = ('This agreement is made between Brightwater Analytics Ltd (the "Licensor") and Kestrel Data plc '
            '(the "Licensee"). The Licensee shall pay the annual fee within 30 days of each invoice. '
            'The Licensor shall maintain the software and the Licensor shall answer support requests.')
NEWS = ("Mayor Ruth Okafor spoke at the opening on Monday. Dunmore Construction built the footbridge "
        "in 14 months at a cost of £3m.")

# (claim, evidence the retriever picked, source, blamed words)
FIRES = [
    ("Leeds University now holds her letters.",
     "She returned to England as a lecturer at Leeds University and in 1970 became its first female "
     "professor of chemistry.", BIO, {"Leeds", "University"}),
    ("Marsh Holdings bought the Kestrel crisps brand in 2019.",
     "Its rival Marsh Holdings opened a plant in Derby the same year.", FIRM, {"Marsh", "Holdings"}),
    ("Tariq Bello scored the winning goal.", "Tariq Bello missed a penalty before half-time.", MATCH,
     {"Tariq", "Bello"}),
    ("Charles Darwin published his work on pea plants.",
     "Charles Darwin kept a large library at Down House.", LECTURE, {"Charles", "Darwin"}),
    ("Brightwater Analytics pays the annual fee within 30 days.",
     "The Licensor shall maintain the software and the Licensor shall answer support requests.", CONTRACT,
     {"Brightwater", "Analytics"}),
    ("Ruth Okafor built the footbridge in 14 months.", "Mayor Ruth Okafor spoke at the opening on Monday.",
     NEWS, {"Ruth", "Okafor"}),
    # light verb forms ('led', 'ran') are acts too (committee minutes)
    ("Tom Reyes led the review of the parking rules.", "Tom Reyes chaired the board.",
     "Amina Hale led the review of the parking rules. Tom Reyes chaired the board.", {"Tom", "Reyes"}),
    ("Tom Reyes ran the club shop.", "Tom Reyes chaired the board.",
     "Amina Hale runs the club shop. Tom Reyes chaired the board.", {"Tom", "Reyes"}),
]


@pytest.mark.parametrize("claim,evidence,source,words", FIRES)
def test_an_act_the_source_gives_another_name(claim, evidence, source, words):
    chk = run(claim, evidence, source)
    assert "wrong_agent" in chk.fired, chk.reasons
    assert words <= set(blamed(chk))


def test_the_reason_quotes_the_source_doer():
    chk = run(*FIRES[0][:3])
    reason = next(r for r in chk.findings["wrong_agent"].reasons)
    assert "British" in reason and "held" in reason and "Leeds" in reason and "holds" in reason


# (claim, evidence, source): faithful, or an act the source gives to no other name
LEAVES = [
    # the doer is a pronoun: it may be the claim's name
    ("Leeds University holds her letters.", "Ada Moreno joined Leeds University in 1960.",
     "Ada Moreno joined Leeds University in 1960. It holds her letters in its archive."),
    # a passive with no "by": the source names no doer
    ("Leeds University holds her letters.", "Ada Moreno joined Leeds University in 1960.",
     "Ada Moreno joined Leeds University in 1960. Her letters are held in a London archive."),
    # both names did it
    ("Marsh Holdings bought the Kestrel brand.", "Marsh Holdings opened a plant in Derby.",
     "Harlow Foods and Marsh Holdings bought the Kestrel brand together. Marsh Holdings opened a plant in Derby."),
    # the source gives the same act to the claim's name too
    ("Tariq Bello scored a penalty.", "Tariq Bello scored a penalty in the first half.",
     "Ana Ruiz scored a penalty in the 80th minute. Tariq Bello scored a penalty in the first half."),
    # the shared word is in another clause: not the same act
    ("Tom Reyes wrote the guidance.", "Tom Reyes chaired the board.",
     "Amina Hale wrote to the board, and the guidance was later adopted. Tom Reyes chaired the board."),
    # a negated claim
    ("Leeds University never held her letters.", FIRES[0][1], BIO),
    # a speech verb is the speech checks' business
    ("Tom Reyes announced the bridge would reopen in May.", "Tom Reyes chaired the meeting.",
     "Amina Hale announced the bridge would reopen in May. Tom Reyes chaired the meeting."),
    # the doer is a common noun ("the batsman"), as news text often writes a person
    ("kevin pietersen joked with reporters at the oval.",
     "The batsman joked with reporters at the Oval for the photo session.",
     "Kevin Pietersen is back at Surrey. The batsman joked with reporters at the Oval for the photo session."),
    # a plural noun after a name, not a verb
    ("Calloway employees can claim up to £300 for chairs.", "Each employee may claim up to £300 for chairs.",
     "Calloway Ltd staff policy. Each employee may claim up to £300 for chairs."),
    # a defined term stands for its party
    ("The Licensee pays the annual fee within 30 days.",
     "The Licensee shall pay the annual fee within 30 days of each invoice.", CONTRACT),
    ("Kestrel Data pays the annual fee within 30 days.",
     "The Licensee shall pay the annual fee within 30 days of each invoice.", CONTRACT),
    # a name by which something else was done is no subject ("a study by Baird found")
    ("A survey by Tom Reyes found rents rose.", "Tom Reyes chaired the board.",
     "A survey by Amina Hale found rents rose. Tom Reyes chaired the board."),
    # faithful copies
    FIRES[2][1:2] * 2 + (MATCH,),
    ("Ana Ruiz scored the winning goal.", "Ana Ruiz scored the winning goal in the 80th minute.", MATCH),
    ("The British Library holds her letters.", FIRES[0][1], BIO),
    ("Dunmore Construction built the footbridge.", "Mayor Ruth Okafor spoke at the opening on Monday.", NEWS),
    # a sentence gives the claim's name a part in the same thing ("opened the new footbridge"): left alone
    ("Ruth Okafor built the footbridge in 14 months.", "Mayor Ruth Okafor opened the new footbridge on Monday.",
     "Mayor Ruth Okafor opened the new footbridge on Monday. Dunmore Construction built the footbridge in 14 "
     "months."),
]


@pytest.mark.parametrize("claim,evidence,source", LEAVES)
def test_no_other_doer_no_firing(claim, evidence, source):
    chk = run(claim, evidence, source)
    assert "wrong_agent" not in chk.fired, chk.reasons


def test_irregular_forms_match_their_verb():
    assert verb_lemma("held") == verb_lemma("holds") == verb_lemma("hold")
    assert verb_lemma("oversaw") == verb_lemma("oversees")
    assert verb_lemma("sought") == verb_lemma("seeks")
    assert verb_lemma("taught") == verb_lemma("teaches")


def test_an_irregular_verb_in_the_evidence_path():
    # 'oversaw' is matched with 'oversees' in the evidence, which gives it to another name
    chk = run("Tom Reyes oversaw the audit.", "Amina Hale oversees the audit, while Tom Reyes chairs the board.")
    assert "wrong_agent" in chk.fired, chk.reasons
    assert {"Tom", "Reyes"} <= set(blamed(chk))


# -- an act in the passive given to another doer after "by" ----------------------------------------

MINUTES = "Three quotes were received. Cllr Patel proposed accepting the lowest, seconded by Cllr Whitlock."


@pytest.mark.parametrize("claim,evidence,reason", [
    ("Seconded by Cllr Patel, a motion from Cllr Whitlock to take the lowest quote passed.", MINUTES,
     "the evidence says 'seconded by Cllr Whitlock', not 'Seconded by Cllr Patel'"),
    ("The film, directed by Ana Ruiz, opens the festival.",
     "The festival opens with a film directed by Marta Soler and produced by Ana Ruiz.",
     "the evidence says 'directed by Marta Soler', not 'directed by Ana Ruiz'"),
    ("The inquiry, chaired by Professor Okafor, reports in May.",
     "The inquiry is chaired by Dr Helen Marsh; Professor Okafor will give evidence. It reports in May.",
     "the evidence says 'chaired by Dr Helen Marsh', not 'chaired by Professor Okafor'"),
])
def test_a_passive_act_the_evidence_gives_to_another_doer_fires(claim, evidence, reason):
    chk = run(claim, evidence)
    assert "wrong_agent" in chk.fired
    assert reason in chk.reasons


@pytest.mark.parametrize("claim,evidence", [
    ("Proposed by Cllr Patel and seconded by Cllr Whitlock, the motion passed.", MINUTES),
    ("The film, produced by Ana Ruiz, opens the festival.",
     "The festival opens with a film directed by Marta Soler and produced by Ana Ruiz."),
    # the source gives the act to the claim's name too
    ("The report was written by Jo Lee.", "The report was written by Sam Hart. A summary was written by Jo Lee, "
                                          "and the report was also written by Jo Lee in part."),
])
def test_the_same_doer_or_another_act_is_quiet(claim, evidence):
    chk = run(claim, evidence)
    assert "wrong_agent" not in chk.fired, chk.reasons


# -- the same act in other words, with the same object, given to another name ----------------------

CHOIR = "Cllr Lund asked about the budget. Cllr Whitlock will contact local schools about a choir."


def test_an_act_the_evidence_gives_another_name_in_other_words_fires():
    chk = run("Cllr Lund is to approach local schools about providing a choir.",
              "Cllr Whitlock will contact local schools about a choir.", CHOIR)
    assert "wrong_agent" in chk.fired
    assert any(r.startswith("the evidence says 'Whitlock will contact local schools") for r in chk.reasons)


@pytest.mark.parametrize("claim,evidence,source", [
    # the right doer
    ("Cllr Whitlock is to approach local schools about a choir.",
     "Cllr Whitlock will contact local schools about a choir.", CHOIR),
    # another object
    ("Cllr Lund will write to the parish church about a choir.",
     "Cllr Whitlock will contact local schools about a choir.", CHOIR),
    # a name in lower case may be an alias of the doer ("the reds" for Liverpool)
    ("the reds are seven points behind fourth placed manchester city.",
     "Liverpool are seven points behind fourth placed Manchester City with a game in hand.", None),
    # the evidence's other name does not do it
    ("Only the Licensee may terminate for convenience.",
     "The Licensee may terminate for convenience on notice. The Licensor may not terminate for convenience.", None),
])
def test_the_right_doer_another_object_an_alias_or_a_denied_act_is_quiet(claim, evidence, source):
    chk = run(claim, evidence, source)
    assert "wrong_agent" not in chk.fired, chk.reasons


def test_a_verb_after_a_comma_is_no_act_of_the_name_before_it():
    # "Winter Light over Lyngen, lent from Tromsø": the lending is the painting's, not Lyngen's
    label = "Winter Light over Lyngen, 1897\nLent by the Tromsø Art Collection\nShe painted it in her studio."
    chk = run("Kvalheim's Winter Light over Lyngen, lent from Tromsø, was painted in her studio.",
              ["Winter Light over Lyngen, 1897", "Lent by the Tromsø Art Collection"], label)
    assert "wrong_agent" not in chk.fired, chk.reasons
