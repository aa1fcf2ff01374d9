"""The edit-sensitivity generator (benchmarks/edit_sensitivity.py): each edit kind
makes the intended change, deterministically. (The measurement itself is a benchmark.)"""

import random

from benchmarks import edit_sensitivity as es

SOURCE = ("Northfield Rovers beat Eastmoor United 2-1 on Saturday in front of 8,000 fans. "
          "The winner came in March 2019, when Marco Ilic scored. Claire Dunn said the team was strong.")
S1 = "Northfield Rovers beat Eastmoor United on Saturday in front of 8,000 fans."


def rng():
    return random.Random(0)


def test_entity_swap_uses_another_name_from_the_source():
    out = es.edit("entity_swap", S1, SOURCE, rng())
    assert out != S1
    swapped = set(out.split()) - set(S1.split())
    assert swapped and all(w in SOURCE for w in swapped)


def test_number_and_date_change():
    out = es.edit("number_change", S1, SOURCE, rng())
    assert "8,000" not in out and out.replace("8,000", "") != S1.replace("8,000", "")
    out = es.edit("date_change", S1, SOURCE, rng())
    assert "Saturday" not in out and any(d in out for d in es.DAYS)
    s = "The winner came in 2019, when Marco Ilic scored."
    out = es.edit("date_change", s, SOURCE, rng())
    assert "2019" not in out and out[:19] == s[:19]


def test_negation_antonym_insertion():
    s = "Claire Dunn said the team was strong."
    assert es.edit("negation", s, SOURCE, rng()) == "Claire Dunn said the team was not strong."
    assert es.edit("antonym", s, SOURCE, rng()) == "Claire Dunn said the team was weak."
    out = es.edit("insertion", s, SOURCE, rng())
    assert out.startswith("Claire Dunn said the ") and out.endswith(" team was strong.") and len(out) > len(s)


def test_role_reversal_swaps_two_names():
    out = es.edit("role_reversal", S1, SOURCE, rng())
    assert out == "Northfield Rovers beat Eastmoor United on Saturday in front of 8,000 fans.".replace(
        "Northfield Rovers", "@").replace("Eastmoor United", "Northfield Rovers").replace("@", "Eastmoor United")


def test_edit_that_does_not_apply_is_none():
    assert es.edit("number_change", "No digits here at all today.", SOURCE, rng()) is None
    assert es.edit("role_reversal", "Only Claire here, said the report.", SOURCE, rng()) is None


def test_paraphrase_control_keeps_meaning_words():
    s = "Claire Dunn said the team was also strong."
    out = es.edit("paraphrase", s, SOURCE, rng())
    assert out in ("Claire Dunn stated the team was strong.", "Claire Dunn stated the team was also strong.",
                   "Claire Dunn said the team was strong.")


def test_make_pairs_is_deterministic(tmp_path):
    import json
    rows = [{"id": f"x-{i}", "dataset": "x", "source": SOURCE + f" It was game {i}.", "summary": "s", "label": 1}
            for i in range(5)]
    (tmp_path / "x.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    a = es.make_pairs(tmp_path, per_kind=3, seed=1)
    b = es.make_pairs(tmp_path, per_kind=3, seed=1)
    assert a == b and a
    for p in a:
        assert p.faithful in p.source and p.edited != p.faithful


def test_day_certainty_and_reversal_edits():
    out = es.edit("day_change", "The clinic is on 12 September at noon.", "", rng())
    assert out != "The clinic is on 12 September at noon." and out.endswith(" September at noon.")
    out = es.edit("day_change", "Kick-off is on March 3rd.", "", rng())
    assert out.startswith("Kick-off is on March ") and not out.endswith("3rd.") and "rd" not in out.split()[-1]
    assert es.edit("certainty", "Revenue could recover next year.", "", rng()) == "Revenue will recover next year."
    assert es.edit("certainty", "The plant is expected to open in May.", "", rng()) == "The plant will open in May."
    assert es.edit("reversal", "The board declined the offer.", "", rng()) == "The board agreed the offer."
    assert es.edit("reversal", "The board met on Monday.", "", rng()) is None
