"""The held-out checks of benchmarks/eval_segment.py: BIO reading and entity damage counted
by hand and against a character-by-character reference on the MSRA text; function words kept
whole and word types never whole."""

import random

import pytest

from benchmarks.eval_segment import EntityDamage, read_bio, read_lines


def test_read_bio_spans_and_sentence_breaks():
    lines = ["中\tB-ORG", "国\tI-ORG", "队\tI-ORG", "在\tO", "巴\tB-LOC", "黎\tI-LOC", "\n",
             "张\tB-PER", "三\tI-PER", "李\tB-PER", "四\tI-PER", "", "", "好\tO"]
    assert read_bio(lines) == [("中国队在巴黎", [(0, 3, "ORG"), (4, 6, "LOC")]),
                               ("张三李四", [(0, 2, "PER"), (2, 4, "PER")]),
                               ("好", [])]


def test_read_bio_i_tag_without_its_b_starts_an_entity():
    # conlleval's reading: I-LOC after O, and I-PER after I-LOC, each start an entity
    lines = ["在\tO", "京\tI-LOC", "王\tI-PER", "五\tI-PER"]
    assert read_bio(lines) == [("在京王五", [(1, 2, "LOC"), (2, 4, "PER")])]


def test_entity_damage_by_hand():
    d = EntityDamage()
    # 李明 whole; 上海 split into 上 | 海 (neither crossing nor whole); 北京大学 crossed at its end
    # (大学生 straddles it); 京 is a one-character entity: not counted
    text = "李明在上海北京大学生去京"
    words = ["李明", "在", "上", "海", "北京", "大学生", "去", "京"]
    d.add(text, words, [(0, 2, "PER"), (3, 5, "LOC"), (5, 9, "ORG"), (11, 12, "LOC")])
    assert (d.entities["PER"], d.entities["LOC"], d.entities["ORG"]) == (1, 1, 1)
    assert (d.whole["PER"], d.crossing["PER"]) == (1, 0)
    assert (d.whole["LOC"], d.crossing["LOC"]) == (0, 0)
    assert (d.whole["ORG"], d.crossing["ORG"]) == (0, 1)
    assert (d.words, d.words_crossing) == (8, 1)
    assert d.row() == ["0.0000", "1.0000", "0.0000", "0.0000", "1.0000", "0.0000", "0.1250"]
    d1 = EntityDamage(min_len=1)
    d1.add(text, words, [(11, 12, "LOC")])
    assert (d1.entities["LOC"], d1.whole["LOC"]) == (1, 1)


def test_entity_damage_refuses_words_that_do_not_spell_the_sentence():
    with pytest.raises(ValueError, match="do not spell"):
        EntityDamage().add("北京", ["北", "平"], [])


def reference_damage(text, words, entities):
    """(crossing, whole) flags per entity and the number of words crossing, character by character."""
    word_of = []  # index of the word each character is in
    for i, w in enumerate(words):
        word_of += [i] * len(w)
    flags = []
    crossing_words = set()
    for start, end, _ in entities:
        inside_start = start > 0 and start < len(text) and word_of[start - 1] == word_of[start]
        inside_end = end < len(text) and word_of[end - 1] == word_of[end]
        if inside_start:
            crossing_words.add(word_of[start])
        if inside_end:
            crossing_words.add(word_of[end])
        one = len(set(word_of[start:end])) == 1 and not inside_start and not inside_end
        flags.append((inside_start or inside_end, one))
    return flags, len(crossing_words)


def test_entity_damage_matches_a_character_reference_on_msra(shared_data):
    sentences = read_bio(read_lines(shared_data / "ner" / "msra_ner_dev.bio"))[:500]
    rng = random.Random(7)
    for text, entities in sentences:
        cuts = sorted(rng.sample(range(1, len(text)), k=rng.randint(0, len(text) - 1))) if len(text) > 1 else []
        bounds = [0, *cuts, len(text)]
        words = [text[a:b] for a, b in zip(bounds, bounds[1:])]
        d = EntityDamage(min_len=1)
        d.add(text, words, entities)
        flags, n_crossing = reference_damage(text, words, entities)
        assert sum(d.crossing.values()) == sum(c for c, _ in flags)
        assert sum(d.whole.values()) == sum(w for _, w in flags)
        assert d.words_crossing == n_crossing


def test_function_words_kept_whole_and_words_never_whole():
    from benchmarks.eval_segment import flipped_words, whole_counts

    texts = ["但是还是好", "但是我还有", "还是"]
    out = ["但是 还 是 好", "但 是 我 还有", "还是"]
    counts = whole_counts(out, texts, ("但是", "还是", "还有", "最后"))
    assert counts == "但是 1/2, 还是 1/2, 还有 1/1, 最后 0/0"
    ref = ["但是 还是 好", "但是 我 还有", "还是"]
    # 但是 whole once of twice, 还是 once of twice, 还有 once: no type is never whole
    assert flipped_words(out, ref) == (0.0, [])
    share, top = flipped_words(["但 是 我", "还 有", "好 的 但 是"], ["但是 我", "还有", "好的 但是"])
    assert top == [("但是", 2), ("好的", 1), ("还有", 1)] and share == 1.0
    share, _ = flipped_words(["但是 我", "还 有"], ["但是 我", "还有"])
    assert share == 0.5
