"""New-word discovery against the pure-Python oracle, planted words and hand-computed values."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.errors import UsageError
from minent.words.newwords.discover import auto_min_count, find_new_words, parse_thresholds

from tests.words.newwords_oracle import oracle_new_words



def rows(result):
    return [(w.word, w.count, w.cohesion, w.left_entropy, w.right_entropy) for w in result.words]


def assert_same(mine, oracle):
    assert [r[:2] for r in mine] == [r[:2] for r in oracle]
    for a, b in zip(mine, oracle):
        # Floats: same formulas in a different order of operations; 1e-9 nats.
        assert a[2:] == pytest.approx(b[2:], abs=1e-9)


def synthetic_corpus(seed=0, n_lines=1500):
    """Random characters with a few planted words; the planted ones must surface."""
    rng = random.Random(seed)
    alphabet = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会"
    planted = ["葡萄牙", "琵琶", "\U00020000\U00020001怪"]
    lines = []
    for _ in range(n_lines):
        parts = []
        for _ in range(rng.randint(2, 6)):
            s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5)))
            if rng.random() < 0.08:
                s += rng.choice(planted)
            parts.append(s)
        lines.append("，".join(parts) + "。")
    return lines, planted


@pytest.mark.parametrize("rank", ["novelty", "count"])
@pytest.mark.parametrize("method", ["cohesion", "entropy", "pmi-split"])
def test_planted_words_come_first(method, rank):
    lines, planted = synthetic_corpus()
    r = find_new_words(lines, method=method, min_count=5, min_entropy=0.5, rank=rank)
    top = [w.word for w in r.words[:3]]
    assert set(top) == set(planted), top


@pytest.mark.parametrize("method", ["cohesion", "entropy", "pmi-split"])
def test_equals_oracle_on_synthetic(method):
    lines, _ = synthetic_corpus(1, 300)
    mine = rows(find_new_words(lines, method=method, min_count=3, jobs=2, chunk_chars=500, rank="count"))
    assert_same(mine, oracle_new_words(lines, method=method, min_count=3))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(alphabet=list("天龙八部段誉abX1２，。 ") + ["\U00020000"], max_size=30), max_size=12),
       st.sampled_from(["cohesion", "entropy", "pmi-split"]), st.integers(2, 5), st.integers(1, 3))
def test_equals_oracle_hypothesis(texts, method, order, min_count):
    mine = rows(find_new_words(texts, method=method, order=order, min_count=min_count,
                               min_pmi="0.5,1", min_entropy=0.0, chunk_chars=16, rank="count"))
    assert_same(mine, oracle_new_words(texts, method=method, order=order, min_count=min_count,
                                       thresholds="0.5,1", min_entropy=0.0))


def test_hand_computed_cohesion_and_entropy():
    # Pieces: 天龙 ×3 (one followed by 八), 龙八 once. T = 7 characters, N(天)=3, N(龙)=3.
    texts = ["天龙，天龙，天龙八"]
    r = find_new_words(texts, method="entropy", order=2, min_count=1, min_pmi=-10, min_entropy=0, rank="count")
    got = {w.word: w for w in r.words}
    w = got["天龙"]
    assert w.count == 3
    assert w.cohesion == pytest.approx(math.log(7 * 3 / (3 * 3)))
    # Left: three piece starts (distinct boundaries) -> ln 3; right: 八 once + two boundaries -> ln 3.
    assert w.left_entropy == pytest.approx(math.log(3))
    assert w.right_entropy == pytest.approx(math.log(3))
    assert got["龙八"].cohesion == pytest.approx(math.log(7 * 1 / (3 * 1)))


def test_cohesion_chains_overlapping_grams():
    # 各项 and 项目 are both cohesive; 各项目 comes out as one candidate (docs/algorithms.md §2.2).
    texts = ["各项目好"] * 10 + ["你各项"] * 3 + ["项目了"] * 3 + ["好你了"] * 5
    r = find_new_words(texts, order=2, min_count=3, min_pmi="1.4", rank="count")  # G = {各项, 项目, 你了}
    words = {w.word: w.count for w in r.words}
    assert words == {"各项目": 10, "各项": 3, "项目": 3, "你了": 5}


@pytest.mark.parametrize("rank", ["novelty", "count"])
def test_digits_and_latin_handling(rank):
    texts = ["2001年T恤很好，ABC，ABC，T恤，T恤。"] * 6
    words = {w.word for w in find_new_words(texts, min_count=3, min_pmi="0", rank=rank).words}
    assert "T恤" in words
    assert "ABC" not in words
    assert not any(ch.isdigit() for w in words for ch in w)


@pytest.mark.parametrize("rank", ["novelty", "count"])
def test_options_and_known_words(rank):
    lines, planted = synthetic_corpus()
    r = find_new_words(lines, min_count=5, known={"琵琶"}, top=2, min_length=3, max_length=3, rank=rank)
    assert {w.word for w in r.words} == {p for p in planted if len(p) == 3}
    assert all(len(w.word) == 3 for w in r.words)
    r = find_new_words(lines, min_count=5, known={"琵琶"}, rank=rank)
    assert "琵琶" not in [w.word for w in r.words] and "葡萄牙" in [w.word for w in r.words]


@pytest.mark.parametrize("rank", ["novelty", "count"])
@pytest.mark.parametrize("method", ["cohesion", "entropy", "pmi-split"])
def test_jobs_do_not_change_output(method, rank):
    # Exact equality, floats included, for any --jobs and chunking (the corpus is encoded during
    # the first counting pass, so with jobs > 1 reading and counting overlap).
    lines, _ = synthetic_corpus(2, 500)
    a = find_new_words(lines, method=method, min_count=3, jobs=1, chunk_chars=300, rank=rank)
    b = find_new_words(lines, method=method, min_count=3, jobs=2, chunk_chars=1000, rank=rank)
    c = find_new_words(lines, method=method, min_count=3, jobs=3, chunk_chars=10 ** 7, rank=rank)
    assert [w.row() for w in a.words] == [w.row() for w in b.words] == [w.row() for w in c.words]


@pytest.mark.parametrize("budget", [1, 50, 700])
def test_neighbour_pairs_in_bounded_memory_give_the_same_output(monkeypatch, budget):
    # Beyond PAIR_BUDGET raw keys per side, the (word, neighbour) keys are counted into merged
    # tables as chunks come: the entropies must stay exactly the same (floats included).
    import minent.words.newwords.discover as nw

    lines, _ = synthetic_corpus(2, 500)
    expected = rows(find_new_words(lines, min_count=3, chunk_chars=300))
    monkeypatch.setattr(nw, "PAIR_BUDGET", budget)
    for jobs in (1, 2):
        assert rows(find_new_words(lines, min_count=3, jobs=jobs, chunk_chars=300)) == expected


def test_neighbour_parts_reduce_on_a_cluster_mixes_raw_keys_and_tables(monkeypatch):
    import minent.words.newwords.discover as nw

    rng = np.random.default_rng(5)
    parts = [[np.ones(3, dtype=np.int64), rng.integers(1, 40, 30).astype(np.uint64),
              rng.integers(1, 40, 20).astype(np.uint64)] for _ in range(5)]

    def reduced(budget):
        monkeypatch.setattr(nw, "PAIR_BUDGET", budget)
        total = parts[0]
        for p in parts[1:]:
            total = nw._add_neighbour_parts(total, [x.copy() for x in p])
        out = []
        for col in (1, 2):
            side = nw._PairKeys()
            side.add(total[col])
            keys, weights = side.result()
            w = weights if len(weights) else np.ones(len(keys), dtype=np.int64)
            acc = {}
            for k, c in zip(keys.tolist(), w.tolist()):
                acc[k] = acc.get(k, 0) + c
            out.append(acc)
        return total[0].tolist(), out

    expected = [{}, {}]
    for p in parts:
        for col in (1, 2):
            for k in p[col].tolist():
                expected[col - 1][k] = expected[col - 1].get(k, 0) + 1
    for budget in (10, 45, 10 ** 6):
        assert reduced(budget) == ([5, 5, 5], expected)


def test_long_chained_candidates_on_one_word_keys_equal_oracle():
    # Candidates longer than one key word (> 64 // bits characters) are counted as rows, the
    # short ones as one-word keys; both must match the oracle.
    lines, _ = synthetic_corpus(4, 1500)
    # Rare enough (38 times) for its 4-gram windows to pass the 6-nat threshold.
    lines = [line.replace("，", "瑟罗菲斯卡娅，", 1) if i % 40 == 0 else line for i, line in enumerate(lines)]
    mine = rows(find_new_words(lines, min_count=4, jobs=2, chunk_chars=2000, rank="count"))
    assert any(len(r[0]) > 4 for r in mine)
    assert_same(mine, oracle_new_words(lines, min_count=4))


def test_auto_min_count_and_thresholds():
    assert auto_min_count(300_000) == 3
    assert auto_min_count(20_000_000) == 11
    assert auto_min_count(0) == 2
    assert 25 <= auto_min_count(700_000_000) <= 40
    assert parse_thresholds("2,4,6", 5, "cohesion") == {2: 2.0, 3: 4.0, 4: 6.0, 5: 6.0}
    assert parse_thresholds(None, 4, "cohesion") == {2: 2.0, 3: 4.0, 4: 6.0}
    with pytest.raises(UsageError):
        parse_thresholds("a,b", 4, "cohesion")
    with pytest.raises(UsageError):
        find_new_words(["x"], method="nope")


@pytest.mark.parametrize("rank", ["novelty", "count"])
def test_empty_corpus(rank):
    assert find_new_words([], rank=rank).words == []
    assert find_new_words(["，。", ""], rank=rank).words == []


def test_pku_equals_oracle(shared_data):
    lines = (shared_data / "sighan2005" / "pku_test.utf8").read_text(encoding="utf-8").splitlines()[:600]
    mine = rows(find_new_words(lines, jobs=2, chunk_chars=20000, rank="count"))
    assert_same(mine, oracle_new_words(lines))
    assert len(mine) > 50


def test_wide_vocabulary_uses_multiword_paths_and_equals_oracle():
    # > 2^16 distinct characters: 17 bits per id, so 4-grams and longer words take two-word keys
    # (the generic cut, back-check and neighbour kernels instead of the one-word fast paths).
    import numpy as np

    rng = np.random.default_rng(3)
    pool = np.concatenate([np.arange(0x4E00, 0x9FA5), np.arange(0x20000, 0x2A6D6), np.arange(0x2A700, 0x2B739)])
    chars = "".join(chr(int(c)) for c in rng.choice(pool, size=66000, replace=False))
    filler = [chars[i:i + 11] for i in range(0, len(chars), 11)]
    planted = ["中华人民共和国", "琵琶行", "葡萄牙人"]
    texts = []
    for i, f in enumerate(filler):
        texts.append(f + "，" + planted[i % 3] + f[:3] + "。" + f[5:8])
    # Planted words are frequent relative to T (PMI of 葡萄牙人 = ln 32.5): low thresholds.
    mine = rows(find_new_words(texts, min_count=3, min_pmi="2,3,3", jobs=2, chunk_chars=100_000, rank="count"))
    assert_same(mine, oracle_new_words(texts, min_count=3, thresholds="2,3,3"))
    assert {"中华人民共和国", "琵琶行", "葡萄牙人"} <= {r[0] for r in mine}


def test_piece_end_equals_python():
    import numpy as np

    from minent.words.kernels.newwords import piece_end

    ids = np.array([0, 3, 4, 0, 0, 5, 6, 7], dtype=np.int32)
    for i in range(len(ids)):
        expected = next((j for j in range(i, len(ids)) if ids[j] == 0), len(ids))
        assert piece_end(ids, i) == expected
    assert piece_end(np.zeros(0, dtype=np.int32), 0) == 0
