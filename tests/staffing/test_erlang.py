"""Erlang C against published figures and an exact rational reference."""

from __future__ import annotations

import math
import time
from fractions import Fraction

import pytest

from server.staffing.erlang import erlang_b, erlang_c, meets, metrics, min_servers


def exact_erlang_c(c: int, a: int) -> float:
    """Textbook formula with exact integers (slow, only for checking)."""
    a_f = Fraction(a)
    s = sum(a_f**k / math.factorial(k) for k in range(c))
    top = a_f**c / math.factorial(c) * Fraction(c, c - a)
    return float(top / (s + top))


def test_textbook_call_centre_example() -> None:
    # 100 arrivals per 30 min, 180 s mean service, 80% answered within 20 s.
    lam, mu = 100 / 1800, 1 / 180
    assert min_servers(lam, mu, 20, 0.8) == 14
    m = metrics(14, lam, mu, 20)
    assert m.p_wait == pytest.approx(0.174, abs=0.001)
    assert m.service_level == pytest.approx(0.886, abs=0.003)
    assert metrics(13, lam, mu, 20).service_level < 0.8  # 13 is not enough


@pytest.mark.parametrize(
    ("c", "a", "expected"),
    [
        (1, 0.5, 0.5),  # M/M/1: P(wait) = rho
        (2, 1.0, 1 / 3),  # M/M/2: 2 rho^2 / (1 + rho) with rho = 1/2
        (3, 2.0, 4 / 9),
        (11, 10.0, 0.6821),  # standard Erlang C table, a = 10 erlangs
        (12, 10.0, 0.4494),
        (13, 10.0, 0.2853),
    ],
)
def test_published_p_wait(c: int, a: float, expected: float) -> None:
    assert erlang_c(c, a) == pytest.approx(expected, abs=5e-4)


def test_erlang_b_table_value() -> None:
    assert erlang_b(10, 10.0) == pytest.approx(0.2146, abs=1e-4)  # Erlang B table


@pytest.mark.parametrize(("c", "a"), [(60, 50), (200, 180), (600, 580)])
def test_stable_at_hundreds_of_counters(c: int, a: int) -> None:
    assert erlang_c(c, float(a)) == pytest.approx(exact_erlang_c(c, a), rel=1e-9)


def test_min_servers_is_minimal_and_respects_mean_wait() -> None:
    lam, mu = 300 / 3600, 1 / 150
    c = min_servers(lam, mu, 120, 0.8, 60)
    assert meets(metrics(c, lam, mu, 120), 0.8, 60)
    assert not meets(metrics(c - 1, lam, mu, 120), 0.8, 60)
    # the mean-wait cap can only add counters
    assert c >= min_servers(lam, mu, 120, 0.8)
    assert min_servers(0.0, mu, 120, 0.8) == 0


def test_unstable_and_bad_inputs() -> None:
    m = metrics(5, 10 / 150, 1 / 150, 60)  # a = 10 > 5 counters
    assert m.p_wait == 1.0 and m.service_level == 0.0 and math.isinf(m.mean_wait)
    with pytest.raises(ValueError, match="service rate"):
        metrics(3, 1.0, -1.0, 10)
    with pytest.raises(ValueError, match="target share"):
        min_servers(1.0, 1.0, 10, 1.5)


def test_500_counters_fast() -> None:
    lam, mu = 490 / 150, 1 / 150  # about 490 erlangs
    t = time.perf_counter()
    c = min_servers(lam, mu, 120, 0.8, 60)
    assert 490 < c < 520
    assert time.perf_counter() - t < 0.05
