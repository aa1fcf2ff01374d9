"""Nominal roles: the claim gives a noun to one name as its owner or maker ("a Jordan Okoye
header", "Teller Dairy's purchase of Marlow Foods", "a study by Hale") where the source gives
that noun, or the verb it names, to another name of the claim ("Callum Reyes headed", "Marlow
Foods bought Teller Dairy", "Baird's study") and never to the claim's. Sentences it must fire
on and faithful ones it must leave alone, in several genres (no model: the word-paraphrase
judge is a stub that accepts nothing)."""

import pytest

from tests.helpers.checks import blamed, run

SPORT = "Ashbury went ahead on 14 minutes when Callum Reyes headed in a corner from Jordan Okoye."
CROSS = "On 71 minutes Bello crossed for Maddox to make it 2-2."
PENALTY = "On 58 minutes Okoye was fouled, and Reyes took the penalty."
DEAL = "Marlow Foods bought Teller Dairy for 40 million pounds in 2019."
TAKEOVER = "Zenith Labs was acquired by Orbis Health in March."
GRANT = "The Leeds team ran the trial, while the Bristol group did the lab work."
STUDY = "Baird's study found that cash transfers raised school attendance, and Hale reviewed the data."
BOTH = "Both Baird's study and Hale's study found higher attendance."
COURT = "The claim by Mr Dunn was dismissed, but Ms Park's appeal succeeded."
NOVEL = "Her first novel was edited by Tom Avery, and Clara Voss wrote the foreword."
VALE = "Vale striker Dean Maddox scored twice. Maddox's second goal came on 71 minutes."


def test_the_sports_report_miss_is_caught():
    chk = run("Ashbury led twice, first through a Jordan Okoye header from a Callum Reyes corner on 14 minutes",
              SPORT)
    f = chk.findings["role_swap"]
    assert f.value == 1.0
    assert blamed(chk) == ["Jordan", "Okoye", "Callum", "Reyes"]
    assert "the source gives the header to 'Callum Reyes', not 'Jordan Okoye'" in f.reasons
    assert "the source gives the corner to 'Jordan Okoye', not 'Callum Reyes'" in f.reasons


@pytest.mark.parametrize("claim,evidence,owner,other", [
    ("On 71 minutes Bello scored from a Maddox cross", CROSS, "Maddox", "Bello"),
    ("On 58 minutes Okoye's penalty restored the lead after Reyes was fouled", PENALTY, "Okoye", "Reyes"),
    ("Teller Dairy's purchase of Marlow Foods cost 40 million pounds in 2019", DEAL, "Teller Dairy", "Marlow Foods"),
    ("The acquisition of Orbis Health by Zenith Labs was completed in March", TAKEOVER, "Zenith Labs",
     "Orbis Health"),
    ("The Bristol group's trial was backed by the Leeds team's lab work", GRANT, "Bristol", "Leeds"),
    ("Hale's study found that cash transfers raised school attendance, and Baird reviewed the data", STUDY,
     "Hale", "Baird"),
    ("Ms Park's claim was dismissed, but Mr Dunn's appeal succeeded", COURT, "Park", "Dunn"),
    ("Her first novel, edited by Clara Voss, carried Tom Avery's foreword", NOVEL, "Tom Avery", "Clara Voss"),
])
def test_a_noun_given_to_the_wrong_name_is_flagged(claim, evidence, owner, other):
    chk = run(claim, evidence)
    f = chk.findings["role_swap"]
    assert f.value == 1.0, claim
    words = " ".join(blamed(chk))
    assert owner.split()[-1] in words and other.split()[-1] in words
    assert any(f"to '{other}', not '{owner}'" in r for r in f.reasons), f.reasons


@pytest.mark.parametrize("claim,evidence", [
    # the same owners, in other words
    ("Ashbury went ahead through a Jordan Okoye corner headed in by Callum Reyes", SPORT),
    ("Ashbury went ahead through Reyes's header from Okoye's corner", SPORT),
    ("Ashbury led through a Callum Reyes header from a Jordan Okoye corner on 14 minutes", SPORT),
    ("On 71 minutes Maddox scored from a Bello cross", CROSS),
    ("Marlow's purchase of Teller Dairy cost 40 million pounds in 2019", DEAL),
    ("Teller Dairy's purchase by Marlow Foods cost 40 million pounds", DEAL),
    ("The Zenith Labs acquisition by Orbis Health was completed in March", TAKEOVER),
    ("Orbis Health's acquisition of Zenith Labs closed in March", TAKEOVER),
    ("Orbis Health completed the Zenith Labs acquisition in March", TAKEOVER),
    ("The Leeds team's trial was backed by the Bristol group's lab work", GRANT),
    ("Mr Dunn's claim was dismissed, but Ms Park's appeal succeeded", COURT),
    ("Her first novel, edited by Tom Avery, carried a foreword by Clara Voss", NOVEL),
    ("A Reyes header from an Okoye corner put Ashbury ahead", "On 14 minutes Okoye's corner was headed in by Reyes."),
    # coordinated names: the claim gives the study to both
    ("Baird and Hale's study found that cash transfers raised school attendance", STUDY),
    # a name the source gives the noun to as well
    ("Hale's study, like Baird's study, found higher attendance", BOTH),
    ("Reyes scored from an Okoye corner",
     "In the first half Reyes took a corner, and later Reyes scored from a corner by Okoye."),
    # one name, written in full and in part
    ("Ashbury went ahead through a Reyes header, Callum Reyes's fourth of the season",
     "Callum Reyes headed in from a corner."),
    # a team or firm as a word about its player or employee, as the source has it
    ("Dean Maddox struck twice, the second Vale goal coming on 71 minutes", VALE),
    ("Jo Smith presented the Acme report", "In May Acme's Jo Smith wrote the report."),
    # a penalty one player won and another converted: winning it makes it no one's
    ("Reyes was fouled before an Okoye penalty", "Reyes won a penalty and Okoye converted it."),
])
def test_faithful_owners_are_left_alone(claim, evidence):
    assert run(claim, evidence).findings["role_swap"].value == 0.0, claim


@pytest.mark.parametrize("claim,evidence", [
    # the source gives the study to both names
    ("Baird's study found higher attendance, and Hale reviewed it", "Baird and Hale's study found higher attendance."),
    # the claim names the player right by his team's goal, with no other role
    ("Vale's winner came from Petrov in the 88th minute", "Petrov scored the winner in the 88th minute."),
    # a place by the noun in the source
    ("Baird presented the Milan trial", "Baird ran the trial in Milan."),
    # a claim made, not a thing made: speech verbs give no maker
    ("Mr Dunn's claim failed after Ms Park gave evidence", "Ms Park claimed that the contract was void."),
])
def test_shared_or_unowned_nouns_are_left_alone(claim, evidence):
    assert run(claim, evidence).findings["role_swap"].value == 0.0, claim
