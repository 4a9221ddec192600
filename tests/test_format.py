"""Text for people (explainer/format.py): tokens made visible, percentages, counts, big numbers and durations."""

from __future__ import annotations

import pytest

from explainer.format import (
    SECONDS_PER_YEAR,
    big_number,
    duration_from_seconds,
    duration_from_years,
    factor,
    human_count,
    listing,
    md_code,
    milliseconds,
    number,
    percent,
    points,
    rough_percent,
    sci,
    signed,
    token_word,
    visible_token,
)
from explainer.i18n import speaking


@pytest.mark.parametrize(
    ("token", "shown"),
    [
        ("the", "the"),
        ("\n", "⏎"),
        (" the", "␣the"),
        ("a ", "a␣"),
        ("  ", "␣␣"),
        ("", "∅"),
        ("\t", "⇥"),
        ("\r\n", "⏎"),
        ("\r", "⟨0d⟩"),
        ("\x00", "⟨00⟩"),
        (" a\x01b", "␣a⟨01⟩b"),
        ("\x7f", "⟨7f⟩"),
        ("\x1b[", "⟨1b⟩["),
    ],  # fmt: skip
)
def test_visible_token(token: str, shown: str) -> None:
    assert visible_token(token) == shown


@pytest.mark.parametrize(("p", "text"), [(0.976, "97.6%"), (0.0421, "4.21%"), (0.00012, "0.012%"), (0, "0%")])
def test_percent(p: float, text: str) -> None:
    assert percent(p) == text


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0"), (999, "999"), (85_000, "85K"), (2_412_345, "2.4M"), (9_960_000, "10M"), (999_999, "1M"),
     (124_439_808, "124M"), (175_000_000_000, "175B")],
)  # fmt: skip
def test_human_count(n: int, text: str) -> None:
    assert human_count(n) == text


def test_numbers_in_words() -> None:
    assert sci(3.15e23) == "3.2 × 10²³"
    assert sci(4.1e10, 3) == "4.10 × 10¹⁰"
    assert big_number(175e9) == "175 billion"
    assert big_number(1.4e12) == "1.4 trillion"
    assert big_number(293_977) == "293,977"
    assert duration_from_years(2852.3) == "2,852 years"
    assert duration_from_years(1.2e9) == "1.2 billion years"
    assert duration_from_years(9.98e6) == "9.98 million years"
    assert duration_from_years(23.5 / (24 * 365.25)) == "23.5 hours"
    assert duration_from_years(0.07 / SECONDS_PER_YEAR) == "0.07 seconds"


@pytest.mark.parametrize(("seconds", "text"), [(12, "12 s"), (95, "1 min 35 s"), (4000, "1 h 6 min")])
def test_duration_from_seconds(seconds: float, text: str) -> None:
    assert duration_from_seconds(seconds) == text


def test_token_words_and_rough_numbers() -> None:
    assert [token_word(t) for t in (" Paris", "\n", " ")] == ["Paris", "↵", "␣"]
    assert [rough_percent(p) for p in (0.976, 0.004)] == ["98%", "<1%"]
    assert [points(d) for d in (0.012, -0.0003, 0.0)] == ["+1.2 pts", "−0.03 pts", "±0"]


@pytest.mark.parametrize(
    ("x", "shown"),
    [(312.4, "312×"), (1234.0, "1,234×"), (12.3, "12×"), (9.96, "10×"), (3.46, "3.5×"), (1.0, "1.0×"),
     (0.62, "0.62×"), (0.0123, "0.012×")],
)  # fmt: skip
def test_factor_is_written_for_people(x: float, shown: str) -> None:
    assert factor(x) == shown and "e" not in factor(x)


def test_factors_and_timings_are_written_in_the_class_language() -> None:
    with speaking("de"):
        assert [factor(x) for x in (1234.0, 3.46, 0.62)] == ["1.234×", "3,5×", "0,62×"]
        assert [milliseconds(ms) for ms in (0.4213, 5445, 12_345)] == ["0,42 ms", "5,4 s", "12 s"]


@pytest.mark.parametrize(
    ("x", "en", "de"),
    [(1234567, "1,234,567", "1.234.567"), (0.03 / 10, "0.003", "0,003"), (0.1 + 0.2, "0.3", "0,3"), (24.0, "24", "24"),
     (1234567.5, "1,234,567.5", "1.234.567,5"), (1e30, "1e+30", "1e+30"), (1.5e-9, "1.5e-09", "1,5e-09"),
     (float("inf"), "inf", "inf"), (float("nan"), "nan", "nan")],
)  # fmt: skip
def test_number_in_the_class_language_without_float_noise(x: float, en: str, de: str) -> None:
    """Learning rates, temperatures and limits in messages: 0.03 / 10 is 0.003 to a person, not 0.0029999999999999996,
    and a value no format can write (a link's 1e30) still gives a message, not an exception."""
    assert number(x) == en
    with speaking("de"):
        assert number(x) == de


def test_a_list_is_written_in_the_class_language() -> None:
    names = ["CPU (1 thread)", "CPU (2 threads)", "GPU"]
    assert listing(names) == "CPU (1 thread), CPU (2 threads), and GPU" and listing(names[:1]) == "CPU (1 thread)"
    with speaking("de"):
        assert listing(names[1:]) == "CPU (2 threads) und GPU"
    with speaking("zh_CN"):
        assert listing(names[1:]) == "CPU (2 threads)和GPU"
    assert listing([]) == ""


def test_a_rounded_number_has_no_negative_zero() -> None:
    """A log-probability of -0.0004 shown to 2 decimals reads 0.00, not "-0.00"; a real negative keeps its sign."""
    assert number(-0.0004, 2) == "0.00" and number(-0.004, 2) == "0.00"
    assert number(-0.006, 2) == "−0.01" and number(-2.0, 0) == "−2" and number(-0.58) == "−0.58"


@pytest.mark.parametrize(
    ("ms", "shown"),
    [(0.4213, "0.42 ms"), (2.5, "2.5 ms"), (24.3, "24 ms"), (999.4, "999 ms"), (999.6, "1 s"), (5445, "5.4 s"),
     (12_345, "12 s"), (1e6, "1,000 s")],
)  # fmt: skip
def test_milliseconds_are_written_for_people(ms: float, shown: str) -> None:
    assert milliseconds(ms) == shown


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("<|im_end|>", "`<|im_end|>`"),
        ("a`b", "``a`b``"),
        ("`x", "`` `x ``"),
        ("**bold** [link](x)", "`**bold** [link](x)`"),
    ],
)
def test_inline_code_shows_any_text_literally(text: str, code: str) -> None:
    assert md_code(text) == code


def test_a_signed_change_shows_its_sign_and_no_negative_zero() -> None:
    assert [signed(v) for v in (0.8, -0.12, -0.04, 0.0, 0.04)] == ["+0.8", "−0.1", "0.0", "0.0", "0.0"]
    assert signed(-1.234, 2) == "−1.23"
    with speaking("de"):
        assert signed(1234.5) == "+1.234,5"
