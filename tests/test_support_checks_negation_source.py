"""negation: a negation the claim adds to a verb or state that the source affirms outside the
evidence the retriever picked ("who had not logged in" where the customer says "I did log in"),
and the negations that must stay quiet (the source says it too, another subject, a question or
a condition, "not only", what someone did not say)."""

import pytest

from tests.helpers.checks import blamed, run

CHAT = ("Ledgerly support chat, 3 June\n"
        "Aisha Karimi (Customer, Karimi Design Ltd): Hi, I was charged £360 for the annual Pro plan yesterday, "
        "but I meant to cancel before it renewed.\n"
        "Jonas (Support Agent): Hi Aisha, I'm Jonas. Our policy allows a full refund if you cancel within 14 days "
        "of an annual renewal, as long as no new invoices have been created since.\n"
        "Aisha Karimi: I haven't created any. I did log in yesterday evening to download last year's reports, "
        "though.\n"
        "Jonas: That's fine. Logging in or exporting doesn't count. I've processed a full refund of £360.\n"
        "Aisha Karimi: Great, thanks. Will I lose my data?\n"
        "Jonas: Your account switches to read-only from today.\n")
CHAT_EVIDENCE = "I've processed a full refund of £360."

POSTMORTEM = ("Incident 4127: payment API outage, 14 March. Between 13:02 and 13:41 the payment API returned "
              "errors for 38% of requests. The cause was an expired TLS certificate on the internal gateway. "
              "All other services were operating normally. The on-call engineer rotated the certificate at 13:39.")
POSTMORTEM_EVIDENCE = "Between 13:02 and 13:41 the payment API returned errors for 38% of requests."

CLINIC = ("Clinic letter, 9 May. Mrs Okafor attended with her daughter. She reports chest tightness on exertion. "
          "Mrs Okafor has stopped smoking. Her blood pressure today was 148/92. "
          "We will review her in six weeks.")

MINUTES = ("Minutes of the estates committee, 2 October.\n"
           "Priya Shah: The contractor has been paid in full for phase one.\n"
           "Tom Reid: We have approved the revised budget for phase two.\n"
           "Priya Shah: Then the tender closes on 30 October.\n"
           "Tom Reid: Agreed.\n")

NEWS = ("Police in Leeds have arrested a 34-year-old man after a fire at a warehouse on Tuesday night. "
        "The warehouse owner, Dale Hughes, said the building had been insured. "
        "Firefighters contained the blaze within two hours. "
        "Police have not named the man. A spokesperson said inquiries were continuing.")


# -- firing: the source affirms what the claim negates ---------------------------------------------

def test_a_customer_who_says_she_logged_in_is_not_one_who_had_not():
    chk = run("Aisha Karimi, who had not logged in since the renewal, received a full £360 refund.",
              CHAT_EVIDENCE, CHAT)
    assert "negation" in chk.fired, chk.reasons
    assert {"not", "logged"} <= set(blamed(chk))
    assert any("'I did log in'" in r and "the claim negates it" in r for r in chk.reasons), chk.reasons


def test_a_state_the_source_affirms_for_the_same_subject():
    chk = run("The payment API failed while other services were not operating normally.",
              POSTMORTEM_EVIDENCE, POSTMORTEM)
    assert "negation" in chk.fired, chk.reasons
    assert any("'services were operating'" in r for r in chk.reasons), chk.reasons


@pytest.mark.parametrize("claim,evidence,source,said", [
    # clinical note: stopped smoking, not "has not stopped"
    ("Mrs Okafor has not stopped smoking, and her blood pressure was 148/92.",
     "Her blood pressure today was 148/92.", CLINIC, "Okafor has stopped"),
    # meeting minutes: the speaker's first-person "we have approved"
    ("Tom Reid had not approved the revised budget for phase two.",
     "Priya Shah: Then the tender closes on 30 October.", MINUTES, "We have approved"),
    # minutes: a passive state of the same subject
    ("The contractor has not been paid for phase one.",
     "Priya Shah: Then the tender closes on 30 October.", MINUTES, "contractor has been paid"),
    # news: a named person's plain statement
    ("Firefighters did not contain the blaze.",
     "Police in Leeds have arrested a 34-year-old man after a fire at a warehouse on Tuesday night.",
     NEWS, "Firefighters contained"),
    # a contraction carries the negation
    ("The on-call engineer hadn't rotated the certificate.", POSTMORTEM_EVIDENCE, POSTMORTEM,
     "engineer rotated"),
])
def test_negation_of_a_source_affirmation_fires(claim, evidence, source, said):
    chk = run(claim, evidence, source)
    assert "negation" in chk.fired, chk.reasons
    assert any(f"'{said}" in r for r in chk.reasons), chk.reasons


# -- quiet ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("claim,evidence,source", [
    # the source negates it too (another sentence)
    ("Aisha Karimi had not created any new invoices.", CHAT_EVIDENCE, CHAT),
    # another subject affirms it: the agent, not the customer, processed the refund
    ("Aisha Karimi has not processed anything.", "Jonas: Your account switches to read-only from today.", CHAT),
    # a different speaker said "I did log in"
    ("Jonas had not logged in since the renewal.", CHAT_EVIDENCE, CHAT),
    # a question about it, not a statement ("Will I lose my data?")
    ("Aisha Karimi will not lose her data.", CHAT_EVIDENCE, CHAT),
    # reported speech: "police have not named", "did not say"
    ("Police have not named the man arrested after the warehouse fire.",
     "Police in Leeds have arrested a 34-year-old man after a fire at a warehouse on Tuesday night.", NEWS),
    ("Dale Hughes did not say whether the building had been insured.",
     "Firefighters contained the blaze within two hours.", NEWS),
    # "not only" is no negation
    ("The on-call engineer not only rotated the certificate but restarted the gateway.",
     POSTMORTEM_EVIDENCE, POSTMORTEM),
    # a pronoun subject is not resolved
    ("She has not stopped smoking.", "Her blood pressure today was 148/92.", CLINIC),
    # another service than the one the source says was operating
    ("The payment service was not operating normally.", "The cause was an expired TLS certificate on the "
     "internal gateway.", POSTMORTEM),
])
def test_quiet(claim, evidence, source):
    chk = run(claim, evidence, source)
    assert "negation" not in chk.fired, chk.reasons


@pytest.mark.parametrize("source", [
    # a condition: "if you log in"
    "Jonas: You can export your reports if you log in before Friday. Aisha Karimi: Thanks. Jonas: Fine.",
    # a question
    "Jonas: Did you log in yesterday? Aisha Karimi: Thanks. Jonas: Fine.",
    # at another time: "logged in again"
    "Aisha Karimi: I logged in again this morning. Jonas: Fine. Aisha Karimi: Thanks.",
])
def test_a_condition_a_question_or_another_time_is_no_affirmation(source):
    chk = run("Aisha Karimi had not logged in since the renewal.", "Jonas: Fine.", source)
    assert "negation" not in chk.fired, chk.reasons


def test_not_until_means_it_happened_later():
    chk = run("Aisha Karimi did not log in until the evening.", CHAT_EVIDENCE, CHAT)
    assert "negation" not in chk.fired, chk.reasons


def test_another_object_says_nothing_of_this_one():
    source = ("Ward note. Mr Silva signed the consent form for the endoscopy. "
              "The discharge letter is with the ward clerk.")
    chk = run("Mr Silva has not signed the discharge letter.", "The discharge letter is with the ward clerk.", source)
    assert "negation" not in chk.fired, chk.reasons
