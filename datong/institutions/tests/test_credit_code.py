"""The unified social credit code check (GB 32100-2015)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datong.institutions import credit_code

# Codes of real organisations from public registries, not produced by this implementation.
KNOWN_VALID = [
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "12100000400000624D",  # 清华大学
]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_published_codes_are_valid(code):
    assert credit_code.is_valid(code)
    assert credit_code.check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_a_wrong_check_character_is_refused(code):
    wrong = next(ch for ch in credit_code.ALPHABET if ch != code[17])
    assert not credit_code.is_valid(code[:17] + wrong)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91440300708461136",  # 17 characters
        "91440300708461136TT",  # 19 characters
        "9144030070846113IT",  # I is not in the alphabet
        "9144030070846113OT",  # nor O
        "9144030070846113ST",  # nor S
        "9144030070846113VT",  # nor V
        "9144030070846113ZT",  # nor Z
        "91440300708461136-",
    ],
)
def test_malformed_codes_are_refused(code):
    assert not credit_code.is_valid(code)


def test_normalise_removes_spaces_and_upper_cases():
    assert credit_code.normalise(" 9144 0300 7084 6113 6t\n") == "91440300708461136T"


def test_is_valid_accepts_lower_case_and_spaced_input():
    assert credit_code.is_valid("9144 0300 7084 6113 6t")


def test_check_character_needs_exactly_17_characters():
    with pytest.raises(ValueError):
        credit_code.check_character("9144030070846113")


HEADS = st.text(alphabet=credit_code.ALPHABET, min_size=17, max_size=17)


@given(HEADS)
def test_the_computed_check_character_makes_a_valid_code(head):
    code = head + credit_code.check_character(head)
    assert len(code) == 18
    assert credit_code.is_valid(code)


@given(HEADS)
def test_exactly_one_check_character_is_valid(head):
    valid = [ch for ch in credit_code.ALPHABET if credit_code.is_valid(head + ch)]
    assert valid == [credit_code.check_character(head)]


@settings(max_examples=40)
@given(HEADS, st.integers(min_value=0, max_value=16), st.sampled_from(credit_code.ALPHABET))
def test_changing_any_one_character_breaks_the_check(head, position, replacement):
    code = head + credit_code.check_character(head)
    if replacement != code[position]:
        changed = code[:position] + replacement + code[position + 1 :]
        assert not credit_code.is_valid(changed)
