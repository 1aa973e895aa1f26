"""The unified social credit code check (GB 32100-2015)."""

import random

import pytest

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


def random_heads(count=300, seed=20240501):
    """Seeded random first-17s: the same cases on every run, no files written (no hypothesis)."""
    rng = random.Random(seed)
    return ["".join(rng.choices(credit_code.ALPHABET, k=17)) for _ in range(count)]


HEADS = random_heads()


def test_the_computed_check_character_makes_a_valid_code():
    for head in HEADS:
        code = head + credit_code.check_character(head)
        assert len(code) == 18
        assert credit_code.is_valid(code), code


def test_exactly_one_check_character_is_valid():
    for head in HEADS[:50]:
        valid = [ch for ch in credit_code.ALPHABET if credit_code.is_valid(head + ch)]
        assert valid == [credit_code.check_character(head)], head


def test_changing_any_one_character_breaks_the_check():
    for head in HEADS[:50]:
        code = head + credit_code.check_character(head)
        for position in range(17):
            for replacement in credit_code.ALPHABET:
                if replacement == code[position]:
                    continue
                changed = code[:position] + replacement + code[position + 1 :]
                assert not credit_code.is_valid(changed), (code, changed)
