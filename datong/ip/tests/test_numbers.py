"""Application-number check characters and IPC formats (DOMAIN.md §1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datong.ip.numbers import check_application_number, check_character, normalise_ipc


def test_the_documented_example_is_valid():
    result = check_application_number("200310102344.5")
    assert result.valid and result.normalised == "200310102344.5" and result.kind == "invention"


@pytest.mark.parametrize(
    "typed",
    [
        "CN200310102344.5",
        "ZL 200310102344.5",
        "2003 1010 2344.5",
        "ZL200310102344.5",
        "cn２００３１０１０２３４４．５",
        " 2003-10102344-5 ",
    ],
)
def test_user_formatting_is_normalised(typed):
    result = check_application_number(typed)
    assert result.valid, result.message
    assert result.normalised == "200310102344.5"


def test_a_wrong_check_character_is_a_clear_error():
    result = check_application_number("200310102344.6")
    assert not result.valid and result.normalised is None
    assert "5" in result.message and "6" in result.message


def test_a_missing_check_character_suggests_it():
    result = check_application_number("200310102344")
    assert not result.valid and "200310102344.5" in result.message


@pytest.mark.parametrize(
    "digit,kind",
    [
        ("1", "invention"),
        ("2", "utility_model"),
        ("3", "design"),
        ("8", "pct_invention"),
        ("9", "pct_utility_model"),
    ],
)
def test_kinds_by_type_digit(digit, kind):
    body = f"2021{digit}0012345"
    result = check_application_number(f"{body}.{check_character(body)}")
    assert result.valid and result.kind == kind


def test_x_as_check_character():
    # Find a serial whose check is 10, written X.
    body = next(b for b in (f"202110{n:06d}" for n in range(10000)) if check_character(b) == "X")
    assert check_application_number(f"{body}.X").valid
    assert check_application_number(f"{body}.x").valid


def test_pre_2003_numbers():
    body = "98123456"
    result = check_application_number(f"{body}.{check_character(body)}")
    assert result.valid and result.kind == "invention"
    assert not check_application_number(
        f"{body}.{(int(check_character(body).replace('X', '10')) + 1) % 10}"
    ).valid


@pytest.mark.parametrize(
    "bad", ["", "abc", "2003101023", "201741234567.1", "299910102344.1", "200350102344.3"]
)
def test_malformed_numbers_are_refused_with_a_message(bad):
    result = check_application_number(bad)
    assert not result.valid and result.message


@given(
    st.integers(min_value=2004, max_value=2025),
    st.sampled_from("12389"),
    st.integers(min_value=0, max_value=9_999_999),
)
def test_every_computed_check_validates_and_any_other_fails(year, kind, serial):
    body = f"{year}{kind}{serial:07d}"
    good = check_character(body)
    assert check_application_number(f"{body}.{good}").valid
    for other in "0123456789X":
        if other != good:
            assert not check_application_number(f"{body}.{other}").valid


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("H01M10/052", "H01M 10/052"),
        ("h01m 10 / 052", "H01M 10/052"),
        ("G06N", "G06N"),
        ("A61K 31/4439", "A61K 31/4439"),
        ("I01M 10/052", None),
        ("H1M 10/05", None),
        ("H01M 10/5", None),
        ("", None),
    ],
)
def test_ipc_codes(raw, expected):
    assert normalise_ipc(raw) == expected
