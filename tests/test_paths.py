"""safe_filename / safe_join: a user-chosen name (case id, system) never becomes a path."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from evalharness.io.paths import MAX_NAME, safe_filename, safe_join

NAME_OK = re.compile(r"[a-z0-9_~][a-z0-9._~-]*")


@pytest.mark.parametrize("name, expected", [
    ("kursk-truce", "kursk-truce.json"),
    ("model-a", "model-a.json"),
    ("../../x", "x~9cdf6a50100a.json"),
    ("/etc/passwd", "etc_passwd~74acf3184453.json"),
    ("..", "~5ec1f7e700f3.json"),
    ("", "~e3b0c44298fc.json"),
    ("CON", "_con~a3dbc4b644a9.json"),
    ("con.txt", "_con.txt~d3bde286fd27.json"),
    ("a/b\\c", "a_b_c~7e65aa1c2745.json"),
    (".hidden", "hidden~1692419006a8.json"),
])
def test_examples(name, expected):
    # the hash is sha256(name)[:12], e.g. sha256(b"").hexdigest() starts e3b0c44298fc
    assert safe_filename(name, ".json") == expected


def test_case_differences_survive_case_insensitive_file_systems():
    assert safe_filename("Kursk").lower() != safe_filename("kursk").lower()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_name_gives_a_plain_file_inside_the_folder(tmp_path_factory, name):
    folder = tmp_path_factory.getbasetemp() / "out"
    fname = safe_filename(name, ".json")
    assert NAME_OK.fullmatch(fname), fname
    assert "/" not in fname and "\\" not in fname and ".." not in fname
    assert len(fname) <= MAX_NAME
    path = safe_join(folder, name, ".json")
    assert path.parent == folder and path.resolve().parent == folder.resolve()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_different_names_never_share_a_file(a, b):
    if a != b:
        assert safe_filename(a) != safe_filename(b)
