"""Embedding dimension: the source's h_n values, closed forms, the asymptotic slope, the rule."""

from __future__ import annotations

import math

import pytest
from scipy.integrate import quad
from scipy.special import i0, i1

from minent.errors import UsageError
from minent.estimators import dim


@pytest.mark.parametrize(
    "n, published", [(32, -7.77471), (64, -15.4734), (128, -30.8718), (256, -61.6692)]
)
def test_h_n_matches_the_source(n, published):
    # the source prints 6 significant digits: agree to half a unit of the last one
    last = 10 ** (math.floor(math.log10(abs(published))) - 5)
    assert abs(dim.h_n(n) - published) <= 0.5 * last


def test_h_n_closed_forms_for_n_2_and_3():
    # n = 2: the angle is uniform on [0, pi]: E e^{2cos t} = I0(2), E 2cos t e^{2cos t} = 2 I1(2)
    assert dim.h_n(2) == pytest.approx(math.log(i0(2)) - 2 * i1(2) / i0(2), rel=1e-12)
    # n = 3: cos t is uniform on [-1, 1]
    e_exp = math.sinh(3) / 3
    e_sexp = math.exp(3) / 3 + 2 * math.exp(-3) / 3
    assert dim.h_n(3) == pytest.approx(math.log(e_exp) - e_sexp / e_exp, rel=1e-12)


@pytest.mark.parametrize("n", [5, 10, 40])
def test_h_n_against_plain_integration_in_cos(n):
    # an independent route: integrate over c = cos t with density ~ (1 - c^2)^((n-3)/2)
    w = lambda c: (1 - c * c) ** ((n - 3) / 2)
    z = quad(w, -1, 1)[0]
    a = quad(lambda c: math.exp(n * c) * w(c), -1, 1)[0] / z
    b = quad(lambda c: n * c * math.exp(n * c) * w(c), -1, 1)[0] / z
    assert dim.h_n(n) == pytest.approx(math.log(a) - b / a, rel=1e-9)


def test_asymptotic_slope_is_half_log_golden_ratio():
    assert dim.ASYMPTOTIC_SLOPE == pytest.approx(0.5 * math.log((math.sqrt(5) + 1) / 2))
    assert dim.ASYMPTOTIC_SLOPE == pytest.approx(0.2406, abs=1e-4)
    slope = (dim.h_n(8192) - dim.h_n(4096)) / 4096
    assert slope == pytest.approx(-dim.ASYMPTOTIC_SLOPE, abs=1e-5)
    assert dim.h_n(4096) / 4096 == pytest.approx(-dim.ASYMPTOTIC_SLOPE, abs=1e-3)
    hs = [dim.h_n(n) for n in (16, 17, 64, 65, 300)]
    assert hs == sorted(hs, reverse=True)  # decreasing in n


def test_rule_and_exact_dimension():
    assert dim.rule_dimension(100_000) == 96  # the example
    assert dim.exact_dimension(100_000) == 96
    assert dim.exact_dimension(5_000_000) == 128  # the source: N = 5e6 -> 128
    for N in (2, 10, 1000, 123_456, 10**9):
        n = dim.exact_dimension(N)
        assert 2 * math.log(N) + dim.h_n(n) < 0
        assert n == 2 or 2 * math.log(N) + dim.h_n(n - 1) >= 0
    r = dim.embedding_dimension(100_000)
    assert r.to_rows() == [(100_000, 96, 96, dim.h_n(96))]
    with pytest.raises(UsageError):
        dim.rule_dimension(1)


def test_h_table_rows():
    rows = dim.h_table((32, 64), vocab_size=100_000)
    assert [r[0] for r in rows] == [32, 64]
    assert rows[0][1] == pytest.approx(-7.77471, abs=1e-5)
    assert rows[0][2] == pytest.approx(-dim.ASYMPTOTIC_SLOPE * 32)
    assert rows[1][3] == pytest.approx(2 * math.log(100_000) + rows[1][1])
    assert dim.h_table((32,))[0][3] is None


def test_vocab_size_from_file(tmp_path):
    p = tmp_path / "vocab.tsv"
    p.write_text("\ufeff的\t10\n是\t5\n\n的\t3\n北京大学\t1\r\n", encoding="utf-8")
    assert dim.vocab_size_from_file(str(p)) == 3
    with pytest.raises(UsageError):
        dim.vocab_size_from_file(str(tmp_path / "missing.txt"))


def test_vocab_size_from_a_utf16_file(tmp_path):
    # a word list saved as "Unicode text" (UTF-16 with its byte-order mark) was "not UTF-8 text"
    p = tmp_path / "vocab.txt"
    p.write_bytes("的\t10\n是\t5\n的\t3\n".encode("utf-16"))
    assert dim.vocab_size_from_file(str(p)) == 2
