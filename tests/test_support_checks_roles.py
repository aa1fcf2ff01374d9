"""Roles the source gives to named parties: defined terms of a contract or notice ("the
Licensor"), comparisons with their sides swapped, "either party" for an act the source gives
to one party, and a name the source attaches to another fact. Each rule has sentences it must
fire on and faithful ones it must leave alone, in several genres (no model: the word-paraphrase
judge is a stub that accepts nothing)."""

import pytest

from evalharness.scorers.support.checks.names import _define
from evalharness.scorers.text import tokenize
from tests.helpers.checks import blamed, no_paraphrase, run








# -- defined terms -----------------------------------------------------------------

LICENCE = ('MASTER SOFTWARE LICENCE AGREEMENT between Brightwater Analytics Ltd (the "Licensor") and Keel & '
           'Harrow Shipping plc (the "Licensee"), dated 1 July 2024. The Licensee shall pay the Licensor an '
           'annual fee. The Licensor may, no more than once in any twelve-month period and on at least 14 '
           "days' written notice, audit the Licensee's use of the Software. The Licensee may terminate this "
           "Agreement for convenience on 90 days' written notice.")
LEASE = ("This tenancy agreement is made between Harbour Homes Ltd (\u201cthe Landlord\u201d) and Jo Smith "
         "(\u201cthe Tenant\u201d). The Tenant shall pay the rent on the first day of each month. The Landlord "
         "shall repair the boiler within 14 days of a written report. The Tenant may not sublet the flat.")
SERVICES = ('This contract is between Orbis Cleaning Co, hereinafter "the Contractor", and the Mercer '
            'Hotel Group (hereinafter referred to as "the Client"). The Client shall pay the Contractor '
            'monthly. The Contractor shall supply all equipment and the Client shall provide storage space.')
NOTICE = ("Notice to quit. The Landlord, Ravi Patel, gives notice to the Tenant, Ana Lopes, that the tenancy "
          "ends on 30 June. The Tenant must return the keys to the Landlord by noon that day.")


def test_defined_terms_are_read():
    assert _define(tokenize(LICENCE)) == {"licensor": frozenset({"brightwat", "analyt"}),
                                          "license": frozenset({"keel", "harrow", "ship"})}
    assert _define(tokenize(LEASE)) == {"landlord": frozenset({"harbour", "home"}),
                                        "tenant": frozenset({"jo", "smith"})}
    terms = _define(tokenize(SERVICES))
    assert terms["contractor"] == frozenset({"orbi", "clean"}) and "mercer" in terms["client"]
    terms = _define(tokenize(NOTICE))
    assert terms == {"landlord": frozenset({"ravi", "patel"}), "tenant": frozenset({"ana", "lope"})}


def test_a_capitalised_apposition_used_once_is_no_defined_term():
    assert _define(tokenize("We met Jo Smith, the Director, in Paris, France, in May. Sales rose.")) == {}


@pytest.mark.parametrize("claim,evidence,source", [
    ("Keel & Harrow may audit Brightwater's use of the software once a year.",
     "The Licensor may, no more than once in any twelve-month period and on at least 14 days' written notice, "
     "audit the Licensee's use of the Software.", LICENCE),
    ("Brightwater shall pay Keel & Harrow an annual fee.", "The Licensee shall pay the Licensor an annual fee.",
     LICENCE),
    ("Harbour Homes must pay Jo Smith the rent each month.",
     "The Tenant shall pay the rent on the first day of each month.", LEASE),
    ("Orbis Cleaning pays the Mercer Hotel Group monthly.", "The Client shall pay the Contractor monthly.",
     SERVICES),
    ("Brightwater may terminate the agreement for convenience on 90 days' notice.",
     "The Licensee may terminate this Agreement for convenience on 90 days' written notice.", LICENCE),
    ("Ana Lopes gives notice to Ravi Patel that the tenancy ends on 30 June.",
     "The Landlord, Ravi Patel, gives notice to the Tenant, Ana Lopes, that the tenancy ends on 30 June.", NOTICE),
])
def test_parties_in_the_opposite_roles(claim, evidence, source):
    chk = run(claim, evidence, source)
    assert "role_swap" in chk.fired or "wrong_agent" in chk.fired, chk.reasons


@pytest.mark.parametrize("claim,evidence,source", [
    ("Brightwater may audit Keel & Harrow's use of the software once a year.",
     "The Licensor may, no more than once in any twelve-month period and on at least 14 days' written notice, "
     "audit the Licensee's use of the Software.", LICENCE),
    ("Keel & Harrow shall pay Brightwater an annual fee.", "The Licensee shall pay the Licensor an annual fee.",
     LICENCE),
    ("Keel & Harrow may terminate the agreement for convenience on 90 days' notice.",
     "The Licensee may terminate this Agreement for convenience on 90 days' written notice.", LICENCE),
    ("Jo Smith must pay Harbour Homes the rent each month.",
     "The Tenant shall pay the rent on the first day of each month.", LEASE),
    ("Harbour Homes shall repair the boiler within 14 days.",
     "The Landlord shall repair the boiler within 14 days of a written report.", LEASE),
    ("Mercer Hotel Group pays Orbis Cleaning monthly.", "The Client shall pay the Contractor monthly.", SERVICES),
    ("Orbis Cleaning supplies all equipment.",
     "The Contractor shall supply all equipment and the Client shall provide storage space.", SERVICES),
    ("Ana Lopes must return the keys to Ravi Patel by noon.",
     "The Tenant must return the keys to the Landlord by noon that day.", NOTICE),
])
def test_parties_in_their_roles(claim, evidence, source):
    chk = run(claim, evidence, source)
    assert "role_swap" not in chk.fired and "wrong_agent" not in chk.fired, chk.reasons


# -- "either party" for an act the source gives to one party -------------------------------

LICENCE_END = ("9.4 Either party may terminate this Agreement for material breach by the other if the breach is "
               "not remedied within 45 days of written notice.\n\n9.5 The Licensee may terminate this Agreement "
               "for convenience on 90 days' written notice, but not before 30 June 2026. The Licensor may not "
               "terminate for convenience.")
TENANCY = ("The Tenant must give two months' written notice to end the tenancy. The Landlord must give at least "
           "six months' notice. Any variation of this agreement must be signed by the Landlord and the Tenant.")
MATCH = ("Northfield Rovers scored twice in the first half through Ana Ruiz. Eastmoor United did not score until "
         "the 80th minute. Rovers and United both had a man sent off after the break.")
ELECTION = ("Maria Lopez pledged to scrap the cap on tuition fees within a year. Her rival, Tom Hart, promised "
            "to keep it. Lopez promised to cut income tax, and so did Hart.")


@pytest.mark.parametrize("claim,source", [
    ("Either side may end the agreement for convenience with 90 days' written notice.", LICENCE_END),
    ("Under the licence, either party can terminate for convenience on 90 days' notice.", LICENCE_END),
    ("Both parties must give two months' written notice to end the tenancy.", TENANCY),
    ("Both teams scored in the first half.", MATCH),
    ("Both candidates pledged to scrap the cap on tuition fees.", ELECTION),
])
def test_either_party_where_the_source_names_one(claim, source):
    chk = run(claim, source.split(". ")[0], source)
    assert "quantifier" in chk.fired, chk.reasons
    assert {"Either", "either", "Both", "side", "party", "parties", "teams", "candidates"} & set(blamed(chk))


@pytest.mark.parametrize("claim,source", [
    ("Either party may end the agreement for material breach.", LICENCE_END),
    ("The licensee may end the agreement for convenience on 90 days' notice.", LICENCE_END),
    ("Both parties must sign any variation of the agreement.", TENANCY),
    ("Both teams had a man sent off after the break.", MATCH),
    ("Both candidates promised to cut income tax.", ELECTION),
    ("The deal was agreed by both parties in writing.", TENANCY),
])
def test_either_party_where_the_source_says_so(claim, source):
    chk = run(claim, source.split(". ")[0], source)
    assert "quantifier" not in chk.fired, chk.reasons


# -- comparisons with the sides swapped ----------------------------------------------

REVIEW = ("I've used the Solace Buds 2 every day for three weeks and compared them with my old Pulse Air Pro "
          "earbuds. Noise cancelling is where the Solace clearly wins. For calls, though, the Pulse is better.")
LAPTOPS = ("The Vireo 14 is lighter than the Corsa X by almost 300 grams. The Corsa X has a brighter screen "
           "than the Vireo 14, but its battery runs out two hours sooner.")
LEAGUE = ("Northfield Rovers outscored Eastmoor United across the season, 61 goals to 48. Eastmoor conceded "
          "fewer goals than Northfield, thanks to their keeper.")
LECTURE = ("In the trial, the conditional programme raised enrolment more than the unconditional one. PROGRESA "
           "was cheaper to run than Oportunidades, the lecturer said.")


@pytest.mark.parametrize("claim,evidence,source,words", [
    ("His old Pulse Air Pro cancelled engine drone far better than the Solace Buds 2.",
     "Noise cancelling is where the Solace clearly wins.", REVIEW, {"Pulse", "Air", "Pro", "Solace", "Buds", "2"}),
    ("The Corsa X is lighter than the Vireo 14.", "The Vireo 14 is lighter than the Corsa X by almost 300 grams.",
     LAPTOPS, {"Corsa", "Vireo"}),
    ("Eastmoor United outscored Northfield Rovers over the season.",
     "Northfield Rovers outscored Eastmoor United across the season, 61 goals to 48.", LEAGUE, {"Eastmoor"}),
    ("Northfield conceded fewer goals than Eastmoor.", "Eastmoor conceded fewer goals than Northfield, thanks to "
     "their keeper.", LEAGUE, {"Northfield", "Eastmoor"}),
    ("Oportunidades was cheaper to run than PROGRESA.", "PROGRESA was cheaper to run than Oportunidades, the "
     "lecturer said.", LECTURE, {"Oportunidades", "PROGRESA"}),
])
def test_comparison_with_the_sides_swapped(claim, evidence, source, words):
    chk = run(claim, evidence, source)
    assert "role_swap" in chk.fired, chk.reasons
    assert words <= set(blamed(chk))


@pytest.mark.parametrize("claim,evidence,source", [
    ("The Solace Buds 2 cancelled engine drone far better than his old Pulse Air Pro.",
     "Noise cancelling is where the Solace clearly wins.", REVIEW),
    ("For calls, the Pulse Air Pro did better than the Solace.", "For calls, though, the Pulse is better.", REVIEW),
    ("The Corsa X has a brighter screen than the Vireo 14.",
     "The Corsa X has a brighter screen than the Vireo 14, but its battery runs out two hours sooner.", LAPTOPS),
    ("The Vireo 14 was outweighed by nothing; the Corsa X is heavier than the Vireo 14.",
     "The Vireo 14 is lighter than the Corsa X by almost 300 grams.", LAPTOPS),
    ("Eastmoor United were outscored by Northfield Rovers over the season.",
     "Northfield Rovers outscored Eastmoor United across the season, 61 goals to 48.", LEAGUE),
    ("Northfield scored more goals than Eastmoor conceded.",
     "Northfield Rovers outscored Eastmoor United across the season, 61 goals to 48.", LEAGUE),
    ("PROGRESA was cheaper to run than Oportunidades.", "PROGRESA was cheaper to run than Oportunidades, the "
     "lecturer said.", LECTURE),
])
def test_comparison_in_the_source_order(claim, evidence, source):
    chk = run(claim, evidence, source)
    assert "role_swap" not in chk.fired, chk.reasons


# -- a name the source attaches to another fact --------------------------------------

CASH = ("GiveDirectly's programme in Kenya, evaluated by Haushofer and Shapiro, gave households roughly 400 "
        "to 1,000 dollars with no strings attached. In Malawi, a study by Baird and colleagues found that "
        "conditional transfers did better on school enrolment.")
CUP = ("Rovers took the lead through a header from Ana Ruiz in the ninth minute. A penalty from Tariq Bello "
       "sealed the win for United in the second half of the replay.")
BUDGET = ("The plan was drafted by the finance officer, Priya Nair. Opposition to the cuts to library opening "
          "hours was led by councillor Tom Reyes at Tuesday's meeting.")


@pytest.mark.parametrize("claim,evidence,source,words", [
    ("The lecturer cited a Malawi study by Haushofer and Shapiro that found conditional transfers did better "
     "on enrolment.", "In Malawi, a study by Baird and colleagues found that conditional transfers did better on "
     "school enrolment.", CASH, {"Haushofer", "and", "Shapiro"}),
    ("A penalty from Ana Ruiz sealed the win for United in the second half.",
     "A penalty from Tariq Bello sealed the win for United in the second half of the replay.", CUP, {"Ana", "Ruiz"}),
])
def test_name_the_source_gives_another_fact(claim, evidence, source, words):
    chk = run(claim, evidence, source)
    assert "wrong_agent" in chk.fired, chk.reasons
    assert words <= set(blamed(chk))


@pytest.mark.parametrize("claim,evidence,source", [
    ("A Malawi study by Baird and colleagues found conditional transfers did better on enrolment.",
     "In Malawi, a study by Baird and colleagues found that conditional transfers did better on school "
     "enrolment.", CASH),
    ("The Kenyan programme evaluated by Haushofer and Shapiro gave households up to 1,000 dollars.",
     "GiveDirectly's programme in Kenya, evaluated by Haushofer and Shapiro, gave households roughly 400 to "
     "1,000 dollars with no strings attached.", CASH),
    ("Rovers led through a header from Ana Ruiz before a penalty from Tariq Bello sealed it for United.",
     "A penalty from Tariq Bello sealed the win for United in the second half of the replay.", CUP),
    ("Opposition to the library cuts was led by Tom Reyes.",
     "Opposition to the cuts to library opening hours was led by councillor Tom Reyes at Tuesday's meeting.",
     BUDGET),
    ("The plan, drafted by Priya Nair, cuts library opening hours.",
     "Opposition to the cuts to library opening hours was led by councillor Tom Reyes at Tuesday's meeting.",
     BUDGET),
])
def test_name_in_its_own_place(claim, evidence, source):
    chk = run(claim, evidence, source)
    assert "wrong_agent" not in chk.fired, chk.reasons
