"""Unsupervised segmentation quality on SIGHAN 2005 PKU and CityU (docs/algorithms.md §3.4, §7).

    python -m benchmarks.eval_segment [--sets pku,cityu] [--sizes 50000,200000,2000000]
                                      [--no-ablation] [--no-reference] [--no-heldout]

Protocol (../shared/data/README.md): models learn from raw text only — never a gold file nor a
word list — with fixed defaults, segment the test text and are scored against its gold with the
function behind ``minent score`` (the training word list only splits recall into IV / OOV):

* PKU (simplified): learning from the raw pku_dev + pku_test text (transductive), scored on
  pku_test;
* CityU (traditional, Hong Kong): learning from the raw cityu_test text alone (67k characters).

Rows per set: P, R, F1, OOV recall, IV recall, and seconds to learn.

* ``hybrid`` is ``minent segment --train`` with its defaults; the ablation rows take one part away
  at a time: ``unigram`` (the lexicon alone: ``minent lexicon`` + ``segment --lexicon``),
  ``charlm`` (the character LM alone), ``hybrid, no self-training`` (``--self-train 0``: no
  boundary model), ``--pre-split`` (numbers and Latin runs never part of a word);
* sizes (``--sizes``): the default model learning from the first N characters of the set's raw
  text (whole lines; the test lines among them are scored), and beyond the raw text of the set
  from it followed by the hotel reviews and the Tang/Song poems up to N (other domains: what a
  corpus grown from other sources does to the set's own segmentation);
* references (PKU): jieba's dictionary in minent's unigram decoder, and ``jieba.cut`` — both
  supervised (the dictionary comes from annotated text).

Held-out rows (``--no-heldout`` leaves them out; about 20 s more), on text that none of the steps
below was chosen by:

* ``pku dev``: the PKU model above (its raw text includes pku_dev) scored on pku_dev_gold. pku_dev
  is a sample of the PKU training set, so every gold word is in the training word list: no OOV
  recall (``-``);
* MSRA NER news (ner/msra_ner_dev.bio, 27 644 sentences, 1.17M characters): the default model
  learns from its raw text (the characters of each sentence, one a line) and segments it; for the
  person, place and organisation names of 2+ characters, ``cross`` is the share whose start or
  end falls strictly inside an output word (a word straddles the name's edge: 溥杰先生,
  北京晴), ``whole`` the share output as exactly one word, ``words crossing`` the share of output
  words that straddle such an edge. Crossing is damage under any standard (one-character
  entities are left out: abbreviations every standard joins into words, 访华, 中美); whole is a
  matter of standard for ORG (中国 足球 队 in PKU) and partly for PER (PKU cuts 张 三). ``jieba.cut``
  is the reference (its dictionary holds many names);
* ``reviews`` (with the jieba rows): the default model learns from the hotel reviews (1M
  characters) and its segmentation of them is scored against ``jieba.cut``'s as if that were
  gold. Not a score (jieba is 0.82 on PKU) but a flag for a change that cuts or joins the common
  words of another domain: at 71e288f the hybrid makes 很好 a word 1 412 times (jieba and PKU cut
  很 好), and branch q-pairs at 2977699, which cuts 但是, 还是, 还有 everywhere in the reviews,
  falls 0.015 here while gaining on PKU and CityU. Printed after the tables: how many occurrences
  of 但是, 还是, 还有, 最后, 当时 (one word in the PKU gold) the hybrid keeps whole in the reviews
  and the news, and the share of jieba's tokens of 2+ characters whose type the hybrid never
  outputs at their place (a word type cut in every occurrence; mostly PKU's 一个, 一点,
  which the classifier cut splits), with the five most frequent such types.

Held-out rows at 71e288f (the default model below; one shared 2-core machine):

=======  ==============================  ======  ======  ======  ======
set      model                           P       R       F1      IV-R
=======  ==============================  ======  ======  ======  ======
pku dev  hybrid (the pku model)          0.8149  0.8185  0.8167  0.8185
pku dev  ref: jieba.cut (supervised)     0.8269  0.7873  0.8066  0.7873
reviews  hybrid against jieba.cut        0.7925  0.7833  0.7879  -
=======  ==============================  ======  ======  ======  ======

The same rows after two-character words judged by their neighbours, with the sign rule alone
(q-pairs) and with the own-neighbours condition (the default; §3.4):

=======  ===========================  ======  ======  ======  ===========================  ======  ======  ======
set      sign rule alone              P       R       F1      + own neighbours (default)   P       R       F1
=======  ===========================  ======  ======  ======  ===========================  ======  ======  ======
pku dev  hybrid (the pku model)       0.8199  0.8235  0.8217                               0.8185  0.8184  0.8184
reviews  hybrid against jieba.cut     0.7678  0.7786  0.7732                               0.7918  0.7804  0.7861
=======  ===========================  ======  ======  ======  ===========================  ======  ======  ======

Whole (reviews): sign rule 但是 0/1275, 还是 8/1838, 还有 0/887, 最后 0/293, 当时 0/195; default
1275/1275, 1783/1838, 863/887, 292/293, 195/195 (at 71e288f 1275, 1779, 863, 292, 195). News:
sign rule 但是 184/185, 还是 0/200, 还有 0/245, 最后 161/224, 当时 126/128; default the same but
还有 243/245. jieba's words never whole in the reviews: 0.1487 of its 2+ character tokens with the
sign rule (一个 1577, 但是 1275, 一般 1018, 还有 862, 一点 543), 0.1265 by default (一个, 一般, 一点,
一下, 一样).

=============================  =========  =========  =========  =========  =========  =========  ========
MSRA, entities of 2+ chars     PER cross  PER whole  LOC cross  LOC whole  ORG cross  ORG whole  words
(9015 PER, 16378 LOC,                                                                            crossing
12140 ORG)
=============================  =========  =========  =========  =========  =========  =========  ========
hybrid (learns 1.17M chars)    0.0663     0.6475     0.0324     0.8127     0.0685     0.3031     0.0028
ref: jieba.cut (supervised)    0.0729     0.7520     0.0777     0.8671     0.0401     0.5544     0.0035
=============================  =========  =========  =========  =========  =========  =========  ========

jieba crosses more places than the hybrid (its dictionary words 中华民族, 美国政府, 奥运会 hold a
name and more) and fewer organisations. The hybrid's crossings: an organisation's last character
glued to the title after it (595 of its 831 ORG: 沭阳县 委书记 for 沭阳县委 书记, 国家 林业 局副局长),
a name and the next character or two (溥杰先生, 北京晴, 玉峰茶: LOC 283 of 530, PER 254 of 598), a
name cut inside (符 祖国 after 西峡: 西峡符 祖国).

What moved the default hybrid's F1 (PKU / CityU; each step on top of the previous; one shared
2-core machine, times are not comparable):

=====================================================================  ===============
step                                                                   PKU / CityU
=====================================================================  ===============
before (fixed free-pair filter of two-character words, 0.3)            0.8020 / 0.7585
+ collocations of 4+ characters made of free 2+-character words        0.8112 / 0.7598
+ freedoms measured on the hybrid's own first segmentation, free =     0.8132 / 0.7643
  more often a word by itself than the average character
+ words the hybrid makes too seldom to pay for their entry dropped     0.8142 / 0.7650
+ numerals (§3.4): a numeral run is one word, a classifier (a unit     0.8208 / 0.7755
  after two or more different numbers in the corpus) starts a word
  after one
+ a number before a classifier joins the word before it only through   0.8219 / 0.7760
  the lexicon (no unseen span 是一 in 是一个; 第一, 统一 stay)
+ a numeral run is one unit for the decoder (its first, with the       0.8240 / 0.7774
  scores of the real text): 二十一, 一百五十六 one word though longer
  than an unseen span
+ a decimal point or 分之 between numerals inside the run (二十六点八,   0.8241 / 0.7777
  百分之五) (P .822 R .826 OOV-R .643 IV-R .838 / P .757 R .800
  OOV-R .604 IV-R .815)
+ a candidate of up to ``oov_max`` (2) characters pays its entry cost   0.8241 / 0.7888
  per join, not per character (§3.3: the decoder makes such a span a
  word without an entry; 为了, 现在, 大家 in 67k characters) (P .825
  R .824 OOV-R .647 IV-R .834 / P .775 R .803 OOV-R .615 IV-R .819)
+ stem + suffix words (§3.4): a bound character (freedom below the     0.8264 / 0.7942
  mean) cut off after two or more different stems is a suffix; each
  stem + suffix the first segmentation cut (服务 业, 委员 会) becomes a
  lexicon word (stems of 2 characters only: 0.8255 / 0.7939) (P .830
  R .823 OOV-R .667 IV-R .832 / P .783 R .806 OOV-R .641 IV-R .819)
+ two-character strings judged by their neighbours (§3.4, pairs.py):    0.8276 / 0.8001
  the log-likelihood ratio of the units around a pair under its parts
  as free words vs any word boundary (Witten-Bell); a pair cut twice
  or more with evidence < 0 on both sides becomes a word (現在, 有人),
  a lexicon pair with evidence > 0 on both goes (這是, 住在) if its
  parts also explain both sides better than its own neighbours
  learned as they come (Witten-Bell over its earlier occurrences,
  backed off to p₀), and the first boundary fit sees both decisions
  (P .833 R .822 OOV-R .668 IV-R .832 / P .791 R .809 OOV-R .643
  IV-R .822; the sign rule alone, q-pairs: 0.8303 / 0.8010, P .834
  R .827 / P .792 R .810, but the hotel reviews' 但是, 还是, 还有, 最后,
  当时 cut in every occurrence)
+ EM stopped at a relative gain of 1e-3 (0.8278 / 0.8000), a place     0.8278 / 0.8003
  value after a larger one starts another number (150萬 千瓦)
+ a classifier's number slot holds two numbers' worth of choice        0.8295 / 0.8009
  (perplexity of the numbers before it ≥ 2, not two different
  numbers: one stray 百般 no longer splits every 一般; §3.4) (P .835
  R .824 OOV-R .671 IV-R .833 / P .792 R .810 OOV-R .643 IV-R .823);
  held out: PKU dev 0.8186 → 0.8201, reviews against jieba 0.7861 →
  0.7939, MSRA crossings PER/LOC/ORG .0656/.0322/.0671 →
  .0653/.0317/.0670
+ a lexicon pair whose neighbours beat its parts on both sides,       0.8276 / 0.8015
  (this row and the next measured on 5451dfa, without the row above)
  against a word boundary and against its own neighbours (the
  mirror of a collocation), is no collocation for the free-pair
  rule (場所, 得到, 著名: both characters free in 67k characters)
  (P .833 R .823 OOV-R .670 IV-R .832 / P .793 R .810 OOV-R .644
  IV-R .823)
+ fragments (§3.4): a lexicon word of 2+ Han characters that the       0.8324 / 0.8085
  first segmentation makes twice or more, always beside the same
  unit on one side (考中心 after 大, 華民族 after 中), goes; the string
  with its closing Han characters comes in (大考中心, 中華民族)
  (P .840 R .825 OOV-R .671 IV-R .835 / P .804 R .814 OOV-R .666
  IV-R .825)
+ both with the number slot's perplexity (merge of main 6405fa4)      0.8344 / 0.8094
  (P .843 R .827 OOV-R .671 IV-R .836 / P .805 R .814 OOV-R .666
  IV-R .826); held out: PKU dev 0.8228, reviews against jieba
  0.7963, MSRA crossings PER/LOC/ORG .0634/.0280/.0635
=====================================================================  ===============

Sizes, before → after the collocation and pruning steps: PKU first 50k characters 0.781 → 0.787,
200k 0.800 → 0.808, + reviews and poems to 2M 0.755 → 0.777; CityU 50k 0.762 → 0.767, + reviews
and poems to 200k 0.772 → 0.774, to 2M 0.610 → 0.652. Before → after the numerals (all steps):
PKU 50k 0.7869 → 0.7942 (0.7860 after the first step alone: there 2000年 is cut — 年, split from
Han numerals, looks free, and 0年 goes as a collocation; PKU keeps dates in one word, CityU splits
them), 200k 0.8082 → 0.8202, 2M 0.7770 → 0.7852; CityU 50k 0.7671 → 0.7797, 200k 0.7736 → 0.7887,
2M 0.6517 → 0.6658. ``--pre-split``: PKU 0.8021 → 0.8093, CityU 0.7675 → 0.7779. The unigram row (``minent lexicon`` + ``segment --lexicon``): PKU 0.776 →
0.785, CityU 0.650 → 0.651 (the 4+-character collocations; it keeps the fixed threshold 0.3:
the mean freedom of its own segmentation drops too much there, PKU 0.768).
Before → after short entries paid per join: PKU 50k 0.7942 → 0.8028, 200k 0.8202 → 0.8171
(there 0年 goes as a collocation of free units: 2000年 cut, OOV recall 0.642 → 0.597 — the
fragility of the 50k row above), 2M 0.7852 → 0.7911; CityU 50k 0.7797 → 0.7917, 200k 0.7887 →
0.7902, 2M 0.6658 → 0.6815; unigram row PKU 0.7845 → 0.7892, CityU 0.6514 → 0.7080; hybrid
without self-training PKU 0.8067 → 0.8050, CityU 0.7552 → 0.7654; ``--pre-split`` PKU 0.8093
→ 0.8091, CityU 0.7779 → 0.7873.
Before → after stem + suffix words: PKU 50k 0.8028 → 0.8041, 200k 0.8171 → 0.8193, 2M 0.7911 →
0.7938; CityU 50k 0.7917 → 0.7941, 200k 0.7902 → 0.7934, 2M 0.6815 → 0.6835; ``--pre-split`` PKU
0.8091 → 0.8114, CityU 0.7873 → 0.7920 (the unigram and no-self-training rows do not prune and
are unchanged).
Before → after pairs judged by their neighbours: PKU 50k 0.8041 → 0.8068, 200k 0.8193 → 0.8232,
2M 0.7938 → 0.8005; CityU 50k 0.7941 → 0.7989, 200k 0.7934 → 0.7960, 2M 0.6835 → 0.7059;
``--pre-split`` PKU 0.8114 → 0.8160, CityU 0.7920 → 0.7983 (unigram and no-self-training rows
unchanged).
Before → after the perplexity of the number slot: PKU 50k 0.8058 → 0.8058, 200k 0.8210 →
0.8217, 2M 0.8008 → 0.8024; CityU 50k 0.7987 → 0.7992, 200k 0.7965 → 0.7953, 2M 0.7048 → 0.7084.
Before → after the neighbours overrule the free-pair rule → after fragments (main 5451dfa, then
each step, before the number slot's perplexity): PKU 50k 0.8058 → 0.8063 → 0.8142, 200k 0.8210 → 0.8208 → 0.8271, 2M 0.8008 → 0.8052
→ 0.8096; CityU 50k 0.7987 → 0.8000 → 0.8090, 200k 0.7965 → 0.7970 → 0.8035, 2M 0.7048 → 0.7189
→ 0.7231; with the number slot's perplexity too (the merge): PKU 50k 0.8143, 200k 0.8284, 2M
0.8115; CityU 50k 0.8086, 200k 0.8032, 2M 0.7238.

Tried and not kept (F1 PKU / CityU; the row in brackets is the state it was tried on). Every
granularity knob trades one set for the other — PKU's standard is finer than CityU's, and the
small CityU corpus over-splits — so only changes that improved both were kept:

=====================================================================  =============================
variant                                                                PKU / CityU
=====================================================================  =============================
[before]                                                               0.8020 / 0.7585
hard EM with the hybrid decoder: lexicon recounted on its own          0.8018..0.8020 / 0.7594..0.7599
segmentation every self-training round (1 or 3 rounds)
``oov_max`` 3 / 4                                                      0.7882 / 0.7528, 0.7843 / 0.7462
``max_len`` 3                                                          0.8115 / 0.7558
``margin`` 1.0 / 2.0                                                   0.7816 / 0.7613, 0.8103 / 0.7456
``entry_cost`` 1 / 2 / 8                                               0.7634 / 0.7470, 0.7825 / 0.7636,
                                                                       0.8031 / 0.7379
char-LM ``alpha`` 5 / 50 (leave-one-out likelihood of the char LM      0.8005 / 0.7631, 0.8035 / 0.7501
picks ≈ 50 on both sets: no help in choosing)
margin chosen by held-out code length (2-fold, unigram): the code      (no choice: always the
length falls as margin falls on both sets                              smallest margin)
[+ 4+-character collocations]                                          0.8112 / 0.7598
the same also with a free one-character part (民主派 = 民主 + 派)       0.8167 / 0.7542
without the two-character rule                                         0.8091 / 0.7632
``free_pair`` 0.2 / 0.4 / 0.5                                          0.8123 / 0.7585, 0.8097 / 0.7609,
                                                                       0.8078 / 0.7614
freedom on the hybrid's segmentation, fixed 0.3                        0.8103 / 0.7644
``max_len`` 5                                                          0.8113 / 0.7598
boundary model: + character-trigram features; epochs 1 / 6             0.8100 / 0.7583; 0.8140 / 0.7572,
                                                                       0.8091 / 0.7570
[+ freedoms on the hybrid's segmentation, mean threshold]              0.8132 / 0.7643
one-character free parts allowed at that step                          0.8179 / 0.7608
tag transitions re-estimated from the word lengths of its own          0.8089 / 0.7659 (probabilities),
segmentation                                                           0.8103 / 0.7661 (odds)
``w_lex`` 0.25 / 1.0 (0.25 not adopted: found by looking at gold)      0.8133 / 0.7702, 0.8099 / 0.7521
char-LM ``alpha`` 10 / 40                                              0.8118 / 0.7683, 0.8140 / 0.7614
[+ unpaid words dropped: the default]                                  0.8142 / 0.7650
the same with ``entry_cost`` 8                                         0.8159 / 0.7632
pruning before the first boundary fit (one decode more)                0.8148 / 0.7637
char LM re-estimated from the in-word n-grams of its own segmentation  0.8145 / 0.7605
boundary model + bucketed branching entropy of ab·, ·cd (and b·, ·c)   0.8139 / 0.7627
boundary model + bucketed PMI of the pair across the gap               0.8127 / 0.7592
pruning at the 2nd / 3rd self-training round, not the 1st              0.8140 / 0.7649, 0.8139 / 0.7649
dropped collocations barred from coming back as out-of-lexicon spans   0.8011 / 0.7514
word-bigram description length (Δ code length of splitting ab under    0.8118 / 0.7629,
MLE word bigrams < entry cost): instead of / as a veto on the           0.8119 / 0.7631
two-character rule (alone it splits 希望, 选举: bound characters)
word-bigram decoder on top (branch ``seg-bigram``, not merged: its     0.8155 / 0.7655,
code is a measured experiment): ln p0(w) → ln p(w | v), HDP back-off    0.8160 / 0.7659,
α 10, pairs of its own segmentation, 2 rounds of hard EM; weight 1.0    0.8150 / 0.7655,
instead of w_lex (α 100); discount 0.75; 4 rounds, boundary refitted    0.8162 / 0.7661
(each on the 0.8142 / 0.7650 default before the numerals). Its pairs
are counted on a segmentation in which 一个, 就是 are already words, so
n(一, 个) = 0 and nothing argues for the split; Gibbs sampling with the
char-LM and boundary scores moves 0.8% of the gaps (0.8151 / 0.7647)
[+ numerals, first form: without 几/幾, digits never in a run]        0.8200 / 0.7745
without the numeral-run rule (classifier cut alone)                    0.8195 / 0.7743
classifiers after three or more different numbers                      0.8204 / 0.7729
数/數 as a numeral (数百, but also 数字, 多数)                           0.8197 / 0.7743
a word starts before a numeral run after a character that precedes     0.8141 / 0.7720,
two or more different numbers (这 一, 是 一; but 第一, 统一, 之一):       0.8153 / 0.7725
always / only when a classifier follows
[+ 几/幾 numerals, digits join a Han numeral run (50万)]                0.8208 / 0.7755
the lexicon-only join for every numeral run, counted or not            0.8217 / 0.7754
classifier = the perplexity of the numbers before it is ≥ 2            0.8221 / 0.7743
(十分, 一起 are no longer cut; neither is 一個) — kept later, on the
state of 5451dfa, where it gains on both sets and every held-out row
(see the steps above)
no cut where one number is more than half of those before the          0.8211 / 0.7705
classifier (lexicalised: 十分, 一起 — and 一个 / 一個)
classifiers also learned after numbers of digits alone                 0.8213 / 0.7752
the cut also after numbers of digits alone (3 个, but also 1997年)      0.8094 / 0.7789
numerals never in an out-of-lexicon span (a number joins a word only   0.8212 / 0.7728
through the lexicon, as digits do: no 是一, but unseen 十几 is cut)
pruning again after the second decode (round 2)                        0.8209 / 0.7754
collocations dropped to a fixed point (freedoms recounted with the     0.8212 / 0.7755,
dropped words cut; fixed threshold / mean recomputed)                  0.8206 / 0.7755
[+ lexicon-only join of counted numbers]                               0.8219 / 0.7760
numeral runs of the corpus longer than an unseen span (二十一) added    0.8211 / 0.7761,
to the lexicon: pruned again / kept by the pruning (numbers whole,     0.8219 / 0.7775
but then 第 looks free and PKU's 第三 goes; 0.82189 < 0.82194)
decimal points and 分之 in runs, a run not yet one unit (no change:    0.8219 / 0.7760
such runs are longer than an unseen span)
[+ a run one unit, decimal points and fractions: the default]          0.8241 / 0.7777
a compressed run (2+ units) read as the digits' number unit by the     0.8226 / 0.7780
lexicon (第0, 0年 words)
the lexicon-only join for every numeral run, counted or not            0.8241 / 0.7776
lexicon entry rule (§3.3) ``N·(pmi − margin·(n−1)) ≥ cost``, cost:
  ``margin`` 1 for all lengths (candidates only; pruning unchanged)    0.8168 / 0.7822
  entry cost 2 / character for all lengths                             0.8159 / 0.7878
  per join for all lengths, ``entry_cost·(n−1)``                        0.8180 / 0.7892
  two-character candidates only: cost 0 / 1 / 2 / 3 nats a character   0.8193 / 0.7941, 0.8239 /
  (2 is the per-join rule kept)                                        0.7936, 0.8241 / 0.7888,
                                                                       0.8238 / 0.7834
  two-character candidates only: break-even margin 1 (§3.2) /          0.8241 / 0.7835, 0.8213 /
  with the per-join cost                                               0.7938
  honest code length of the entry: its best split, −Σ ln p(k_j), for   0.8233 / 0.7639, 0.8234 /
  all lengths / for pairs with margin 1                                0.7705
  its self-information −ln p(w): all lengths / pairs only              0.8223 / 0.7730, 0.8226 /
                                                                       0.7743
  its code length under the character LM after its first character,   0.8174 / 0.7913, 0.8238 /
  −ln p(w₂..wₙ | w₁): all lengths / pairs only                          0.7910
  per pair of its characters, ``entry_cost·n(n−1)/2`` (4, 12, 24)        0.8233 / 0.7896
  pairs: ``N·(pmi − 1) ≥ ln(number of pair candidates)`` (a            0.8237 / 0.7792,
  Bonferroni-style significance) / the Poisson tail of N               0.8241 / 0.7803
  ``2·ln N`` (a code for the count) for all lengths                     0.8124 / 0.7893
pruning on the hybrid's segmentation: also adding the pairs of two      0.8206 / 0.7754
adjacent one-character words that would pay (0人, 有0, 這一 come in)
… and the hybrid's own out-of-lexicon words that pay                   0.8241 / 0.7788
number-headed words (0年) never collocations (stable dates in PKU, but  0.8206 / 0.7746
0人, 0时 stay)
[+ short entries paid per join: the default]                           0.8241 / 0.7888
the pruning of the hybrid charges pairs per join too                   0.8236 / 0.7891
per join for all lengths (PKU loses 0年 again, and gains phrases:       0.8180 / 0.7892
建立了, 现役军官)
the pruning also adds pairs of adjacent one-character words that pay    0.8236 / 0.7892
(numbers and Latin runs left out: 現在, 現時, but 一家, 一場 too)
freedoms without the one-character words the classifier cut forced     0.8216 / 0.7876
(年 after 五: PKU 200k 0.8171 → 0.8181, 0年 kept)
stem + suffix words with stems of two characters, first forms (the     0.8256 / 0.7931
count of stem + suffix added, its parts keeping theirs):
  any character cut off after two or more different stems a suffix,    0.8230 / 0.7927
  bound or not (的, 了 too)
  a bound character before two or more different words a prefix        0.8225 / 0.7880
  instead (副主席)
  suffixes after three / five or more different stems                  0.8256 / 0.7921,
                                                                       0.8256 / 0.7905
  only stem + suffix cut two or more times                              0.8255 / 0.7906
[+ stem + suffix words: the default]                                   0.8264 / 0.7942
suffixes after three or more different stems                           0.8265 / 0.7933
bound = freedom below ½ (more often inside a word than alone)          0.8250 / 0.7945
stem + suffix words added again at every self-training round           0.8263 / 0.7946
bound measured without the cuts after stems themselves (the cuts      0.8261 / 0.7950
under test no longer count as evidence that the character is free)
a second decode after the pruning, before the first boundary fit      0.8262 / 0.7904
(the first fit sees 他說 joined: see "Errors left")
the first boundary fit on the first segmentation with every word the   0.8126 / 0.7735,
pruning dropped cut (what the pruning assumes of its counts) / only    0.8158 / 0.7789
the two-character collocations: the boundary model learns to cut
far more (P .802 / .748)
neighbour evidence (pairs.py; first forms):
  a free-pair collocation kept when its evidence is < 0 on both sides  0.8255 / 0.7956
  lexicon pairs with evidence > 0 on both sides dropped (lexicon only) 0.8266 / 0.7948
  pairs of one-character words with evidence < 0 on both sides added  0.8267 / 0.7947
  (lexicon only: the boundary model fitted on the first segmentation
  cuts them again)
[+ pairs by their neighbours, the sign rule alone (q-pairs); rows      0.8303 / 0.8010
 below up to the own-neighbours rows are variants of it]
the lexicon changes only / the boundary-fit labels only                0.8269 / 0.7951, 0.8309 / 0.7994
new words only / dropped pairs only                                    0.8279 / 0.7977, 0.8290 / 0.7963
a pair a word when one side's evidence is < 0 / a collocation when     0.8261 / 0.7992, 0.7885 / 0.7749
one side's is > 0
the sum of both sides against 0 for both decisions                     0.8161 / 0.7940
pairs cut three or more times                                          0.8306 / 0.7991
candidate pairs of two free characters (freedom ≥ the mean) left out   0.8296 / 0.7990
(有人, 不是 go with 的人, 的是)
the lexicon's pairs judged after the pruning, the new pairs then on    0.8281 / 0.7988
the segmentation with those cut (他說, 就是, dropped by the free-pair
rule, stay joined in the labels)
the pairs judged again before every boundary fit                       0.8266 / 0.8023
lexicon pairs with evidence < 0 on both sides kept from the free-pair   0.8300 / 0.8022,
rule / from it and the unpaid rule                                     0.8293 / 0.8018
the collocations not cut in the boundary-fit labels / not dropped      0.8280 / 0.7981, 0.8309 / 0.8010
from the lexicon (cut in the labels only)
a collocation also needs its right neighbours better explained by      0.8298 / 0.8005
free b than by free a, and its left by free a than by free b (but
是, 但 both start clauses: 但是 still goes)
the background p₀ of the word hypothesis replaced by the other part's  0.7512 / 0.7727
free neighbours
collocations cut only when the pruning drops them too (two free        0.8297 / 0.7995
characters): reviews 0.7893, news 0.7743 by the proxy below
[+ own neighbours: the default; reviews 0.7861 by the held-out row]    0.8276 / 0.8001
the sign rule with a significance test in place of the own             0.8297 / 0.7987
neighbours: z of the per-occurrence log-ratios (mean / standard
error) above √ln n (BIC, one parameter) on both sides; reviews 0.7871
but 还是, 最后 cut everywhere (z 11 / 10 on 还是)
the own neighbours and that test together; reviews 0.7870, the five    0.8282 / 0.7982
function words whole on the news too (还是 199/200)
[+ relative EM stop, place values (main 5451dfa)]                      0.8278 / 0.8003
the stem + suffix cuts joined in the first boundary fit's labels too   0.8274 / 0.7994
(MSRA PER crossed 0.0656 → 0.0846)
stem + suffix words judged by their neighbours as pairs are (the stem  0.8276 / 0.8001
one unit, pair_evidence as it is): any cut suffix whose stem + suffix
has evidence < 0 on both sides, with the bound suffixes'
bound suffixes only with that evidence / and their cuts joined in the  0.8260 / 0.7970,
first labels                                                           0.8266 / 0.7971
the free-pair rule left out for two-character words (the neighbours    - / 0.7972
alone judge them)
lexicon pairs with evidence < 0 on both sides (against a word          0.8275 / 0.8017
boundary only) kept from the free-pair rule: noise does it (the
evidence is negative when the neighbours tell nothing: §3.4)
the same, kept from the unpaid rule too                                0.8269 / 0.8013
[+ neighbours overrule the free-pair rule: the default]                0.8276 / 0.8015
[+ fragments: the default]                                             0.8324 / 0.8085
(fragment variants: docs/algorithms.md §3.4, "Fragments")
new pairs of one-character words also need their own neighbours'       0.8351 / 0.8083
evidence < 0 on both sides (as the free-pair rule's keeping asks;
on main 4e63e0b, 0.8344 / 0.8094): PKU dev 0.8235, MSRA PER / LOC /
ORG cross .0628 / .0279 / .0633, reviews 0.7965 — CityU down
=====================================================================  =============================

Other text, no gold (agreement F1 with ``jieba.cut``, whose dictionary joins 很好, 还是, 这家: a
proxy that counts every collocation cut as a disagreement), the model learning from the text and
segmenting its first 2000 lines, before → after pairs by their neighbours with the sign rule alone: hotel reviews (1M
characters) 0.7951 → 0.7818, MSRA NER news (first 8000 sentences, 319k characters) 0.7701 →
0.7728. On the reviews the collocations cut are right by PKU's standard for 很好, 这家, 都是, 很大,
住在, 太差 and wrong for 还是, 但是, 只是, 看到, 最后, 呵呵, 第一 (about as many tokens each); the words
added there are mostly wrong (是我, 是不, 不到; 为了 right). Without the collocation cut in the labels
the reviews stay at 0.7944 (news 0.7745) but CityU falls to 0.7981.

Errors left (gold read only to analyse): CityU splits numbers from 年 / 日 / ％ (2001 年, 30 ％) and
keeps stem + suffix words (中國隊, 奧運會, 嘉義縣), PKU the reverse — standards that no raw-text statistic
chose between here. Numerals: PKU keeps 一个 as one word (206 times in its test gold; CityU, AS and
CTB split 一 個), and both keep lexicalised numeral words whose second character is also a classifier
(十分, 一起, 进一步, 百年, 千瓦), which the classifier cut splits; a numeral freed from its classifier is
still glued to the word before it through a lexicon word (这一 个). The rest is mostly over-splitting
of the small CityU corpus (P .783 < R .806 before the neighbour step, .792 < .810 after;
two-character gold words cut into two one-character words: 1 400 before the per-join step, 952
after, 735 after the neighbour step — 為了, 人大, 但是, 得到 are still cut, and 另外, 此外, words
of CityU, now are: their PMI, about 2 nats, is no higher than that of the collocations 這是, 不能,
全國 that CityU splits, and their neighbours are those of their free parts), stem + suffix words of
CityU (831 cut as 2+1 before the suffix step, 655 after; 服務業, 銷售額, 太陽能 are joined — words of 3 or 4
characters the step brings into the test segmentation: 181 gold tokens and 134 wrong ones, mostly
names and spans across a boundary: 校師生, 納領事; PKU 312 and 373: 朋友们, 学生们 are split there —
while 中國隊, 學生會 are not, 隊 and 會 being words by themselves more often than the average
character: 隊 53, 人 47, 市 31, 會 27 of the 655), and function-word pairs both standards split
(这是, 就是, 不能, 最大; 他說, 她說 come with the per-join step) that look like words to a unigram lexicon.
他說 (10 times in the CityU test output) is in fact dropped as a collocation of free units (他 0.61,
說 0.79 against the mean 0.22) after the first segmentation; it comes back as an unseen
two-character span, the boundary model having been fitted first on that segmentation, where it
was joined — and decoding again before that fit costs more elsewhere (0.8262 / 0.7904).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._common import print_table, shared_data_or_exit


def read_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def reviews(data: Path):
    """The hotel reviews, one a line."""
    with open(data / "corpora" / "ChnSentiCorp_htl_all.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield row["review"].replace("\r", " ").replace("\n", " ")


def other_text(data: Path):
    """Lines of the hotel reviews, then of the poems (for the larger sizes)."""
    yield from reviews(data)
    with gzip.open(data / "corpora" / "poems_tang_song.txt.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            yield line.rstrip("\n")


ENTITY_TYPES = ("PER", "LOC", "ORG")


def read_bio(lines) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Sentences of a BIO file (``char<TAB>tag`` a line, a blank line between sentences): each its
    text and its entity spans ``(start, end, type)``. An ``I-`` tag that does not continue an
    entity of its type starts one (as conlleval reads it).

    >>> read_bio(["北\\tB-LOC", "京\\tI-LOC", "的\\tO", "", "王\\tI-PER"])
    [('北京的', [(0, 2, 'LOC')]), ('王', [(0, 1, 'PER')])]
    """
    sentences, chars, spans = [], [], []
    current = None  # [start, end, type] of the entity being read

    def flush() -> None:
        if chars:
            sentences.append(("".join(chars), [tuple(e) for e in spans]))
        chars.clear()
        spans.clear()

    for line in lines:
        fields = line.rstrip("\r\n").split("\t")
        if not fields[0]:
            flush()
            current = None
            continue
        tag = fields[-1]
        kind = tag[2:]
        if tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[2] != kind)):
            current = [len(chars), len(chars) + 1, kind]
            spans.append(current)
        elif tag.startswith("I-"):
            current[1] += 1
        else:
            current = None
        chars.append(fields[0])
    flush()
    return sentences


@dataclass
class EntityDamage:
    """Whether a segmentation respects gold entity spans (standard-free: any segmentation standard
    keeps a person's or a place's name out of the words around it).

    Per entity type, over the entities of at least ``min_len`` characters: ``crossing`` entities
    have their start or end strictly inside an output word (a word straddles the entity's edge),
    ``whole`` ones are exactly one output word; the rest are cut into several words at their edges
    and inside. ``words_crossing`` counts output words that straddle an edge of such an entity.
    One-character entities are left out by default: they are abbreviations that every standard
    joins into words (访华, 中美, 京津).

    >>> d = EntityDamage()
    >>> d.add("我在北京大学读书", ["我", "在北", "京大学", "读书"], [(2, 4, "LOC"), (2, 6, "ORG"), (6, 7, "LOC")])
    >>> (d.entities["LOC"], d.crossing["LOC"], d.crossing["ORG"], d.words_crossing, d.words)
    (1, 1, 1, 2, 4)
    """

    min_len: int = 2
    entities: Counter = field(default_factory=Counter)
    crossing: Counter = field(default_factory=Counter)
    whole: Counter = field(default_factory=Counter)
    words: int = 0
    words_crossing: int = 0

    def add(self, text: str, words: list[str], entities: list[tuple[int, int, str]]) -> None:
        """Count one sentence: *words* (the output, whitespace dropped) must spell *text*."""
        if "".join(words) != text:
            raise ValueError(f"the words do not spell the sentence: {text[:30]!r}")
        starts, spans, pos = {len(text)}, set(), 0
        for w in words:
            starts.add(pos)
            spans.add((pos, pos + len(w)))
            pos += len(w)
        edges = set()
        for start, end, kind in entities:
            if end - start < self.min_len:
                continue
            self.entities[kind] += 1
            self.crossing[kind] += start not in starts or end not in starts
            self.whole[kind] += (start, end) in spans
            edges.update((start, end))
        self.words += len(words)
        self.words_crossing += sum(any(a < e < b for e in edges) for a, b in spans)

    def row(self) -> list[str]:
        """crossing and whole rates per type (PER, LOC, ORG), then the share of words crossing."""
        cells = []
        for kind in ENTITY_TYPES:
            n = self.entities[kind] or 1
            cells += [f"{self.crossing[kind] / n:.4f}", f"{self.whole[kind] / n:.4f}"]
        return cells + [f"{self.words_crossing / (self.words or 1):.4f}"]


FUNCTION_WORDS = ("但是", "还是", "还有", "最后", "当时")
"""Words of every standard (one word in the PKU gold) that a per-type decision once cut in every
occurrence of the reviews and the news: how many of their occurrences an output keeps whole."""


def spans(line: str) -> list[tuple[int, int]]:
    """The (start, end) character offsets of the words of a segmented *line*."""
    out, i = [], 0
    for w in line.split():
        out.append((i, i + len(w)))
        i += len(w)
    return out


def flipped_words(out_lines, ref_lines) -> tuple[float, list[tuple[str, int]]]:
    """Of the tokens of 2+ characters of *ref_lines*, the share whose word type is never a token
    at the same place in *out_lines* (a type cut in every occurrence), and the five most frequent
    such types with their counts."""
    seen, whole = {}, {}
    for out, ref in zip(out_lines, ref_lines, strict=True):
        text, got = ref.replace(" ", ""), set(spans(out))
        for a, b in spans(ref):
            if b - a >= 2:
                w = text[a:b]
                seen[w] = seen.get(w, 0) + 1
                whole[w] = whole.get(w, 0) + ((a, b) in got)
    never = sorted(((w, n) for w, n in seen.items() if whole[w] == 0), key=lambda wn: (-wn[1], wn[0]))
    return sum(n for _, n in never) / max(sum(seen.values()), 1), never[:5]


def whole_counts(out_lines, texts, words=FUNCTION_WORDS) -> str:
    """"w k/n" for each of *words*: n its occurrences in the raw *texts*, k those kept whole."""
    found = {w: [0, 0] for w in words}
    for out, text in zip(out_lines, texts, strict=True):
        toks = out.split()
        for w in words:
            found[w][0] += toks.count(w)
            found[w][1] += text.count(w)
    return ", ".join(f"{w} {k}/{n}" for w, (k, n) in found.items())


class Fixed:
    """A segmentation already made, with the ``segment_lines`` of minent's models."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    def segment_lines(self, lines):
        return iter(self.lines)


def jieba_segmenter():
    """``jieba.cut`` (HMM on, its own dictionary) with the ``segment_lines`` of minent's models."""
    import jieba

    jieba.setLogLevel(60)

    class Jieba:
        @staticmethod
        def segment_lines(lines):
            return (" ".join(w for w in jieba.cut(line) if w.strip()) for line in lines)

    return Jieba


def msra_rows(data: Path, reference: bool, timed, notes: list[str]) -> tuple[str, list[list[str]]]:
    """The title and rows of the entity-damage table on the MSRA NER news (held out); the
    hybrid's count of :data:`FUNCTION_WORDS` kept whole goes to *notes*."""
    from minent.segmentation import train_segmenter

    sentences = read_bio(read_lines(data / "ner" / "msra_ner_dev.bio"))
    texts = [text for text, _ in sentences]
    n_chars = sum(map(len, texts))
    models = []
    seg, t = timed(lambda: train_segmenter(texts))
    models.append(("hybrid (segment --train defaults)", n_chars, seg, t))
    if reference:
        models.append(("ref: jieba.cut (supervised)", 0, jieba_segmenter(), 0.0))
    rows = []
    for name, chars, model, learn_s in models:
        damage = EntityDamage()
        lines = list(model.segment_lines(texts))
        for (text, entities), line in zip(sentences, lines, strict=True):
            damage.add(text, line.split(), entities)
        if model is seg:
            notes.append(f"msra news: {whole_counts(lines, texts)} whole")
        rows.append([name, str(chars)] + damage.row() + [f"{learn_s:.1f}" if learn_s else "-"])
        print(f"msra {name}: words crossing {rows[-1][-2]}", file=sys.stderr)
    counts = ", ".join(f"{damage.entities[k]} {k}" for k in ENTITY_TYPES)
    title = (f"MSRA NER news (held out: ner/msra_ner_dev.bio, {len(texts)} sentences, {n_chars} chars), learning "
             f"from its raw text; entities of 2+ chars ({counts}): an edge inside an output word (cross) / "
             "one word (whole)")
    return title, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="pku,cityu")
    ap.add_argument("--sizes", default="50000,200000,2000000", help="corpus sizes in characters ('' for none)")
    ap.add_argument("--no-ablation", action="store_true")
    ap.add_argument("--no-reference", action="store_true", help="leave out the jieba rows")
    ap.add_argument("--no-heldout", action="store_true",
                    help="leave out the held-out rows (PKU dev with pku in --sets, reviews against jieba, "
                         "MSRA entity damage)")
    args = ap.parse_args()
    data = shared_data_or_exit()
    sig = data / "sighan2005"

    from minent.segmentation import train_segmenter
    from minent.segmentation.charlm import CharLM
    from minent.segmentation.hybrid import HybridSegmenter
    from minent.segmentation.lexicon import build_lexicon
    from minent.segmentation.score import score_files
    from minent.segmentation.unigram import UnigramSegmenter

    sets = {
        "pku": (["pku_dev.utf8", "pku_test.utf8"], "pku_test.utf8", "pku_test_gold.utf8", "pku_training_words.utf8"),
        "cityu": (["cityu_test.utf8"], "cityu_test.utf8", "cityu_test_gold.utf8", "cityu_training_words.utf8"),
    }
    tmp = Path(tempfile.mkdtemp())
    rows, notes = [], []

    def add(set_name, model, chars, learn_s, seg, test_lines, gold_lines, words):
        out, gold = tmp / "out.seg", tmp / "gold.seg"
        out.write_text("\n".join(seg.segment_lines(test_lines)) + "\n", encoding="utf-8")
        gold.write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
        s = score_files(gold, out, words=words)
        rows.append([set_name, model, str(chars), f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}",
                     # pku_dev is part of the PKU training set: no OOV word, no OOV recall
                     f"{s.oov_recall:.4f}" if s.oov_words else "-", f"{s.iv_recall:.4f}" if words else "-",
                     f"{learn_s:.1f}" if learn_s else "-"])
        print(f"{set_name} {model} ({chars} chars): F1 {s.f1:.4f}", file=sys.stderr)

    def timed(fn):
        t = time.perf_counter()
        result = fn()
        return result, time.perf_counter() - t

    for set_name in [x for x in args.sets.split(",") if x]:
        raw_files, test_file, gold_file, words_file = sets[set_name]
        raw = [line for f in raw_files for line in read_lines(sig / f)]
        test, gold = read_lines(sig / test_file), read_lines(sig / gold_file)
        words = sig / words_file
        n_raw = sum(len(x) for x in raw)
        seg, t = timed(lambda: train_segmenter(raw))
        add(set_name, "hybrid (segment --train defaults)", n_raw, t, seg, test, gold, words)
        if set_name == "pku" and not args.no_heldout:
            # held out: the same model (pku_dev is part of its raw text, as pku_test is) scored on
            # the gold of pku_dev, which no step above was chosen by
            dev, dev_gold = read_lines(sig / "pku_dev.utf8"), read_lines(sig / "pku_dev_gold.utf8")
            add("pku dev", "hybrid (the pku model above)", n_raw, 0.0, seg, dev, dev_gold, words)
            if not args.no_reference:
                add("pku dev", "ref: jieba.cut (supervised)", 0, 0.0, jieba_segmenter(), dev, dev_gold, words)
        if not args.no_ablation:
            lex, t_lex = timed(lambda: build_lexicon(raw).lexicon)
            uni = UnigramSegmenter(lex)
            add(set_name, "unigram (lexicon alone)", n_raw, t_lex, uni, test, gold, words)
            lm, t_lm = timed(lambda: CharLM.train(raw))
            add(set_name, "charlm (character LM alone)", n_raw, t_lm, lm, test, gold, words)
            add(set_name, "hybrid, no self-training", n_raw, t_lex + t_lm, HybridSegmenter(uni, lm), test, gold, words)
            seg, t = timed(lambda: train_segmenter(raw, pre_split=True))
            add(set_name, "hybrid --pre-split", n_raw, t, seg, test, gold, words)
        for size in [int(float(x)) for x in args.sizes.split(",") if x]:
            if size <= n_raw:
                # the first `size` characters of the raw text, in test-first order so that the
                # test lines scored are among them
                order = [line for f in reversed(raw_files) for line in read_lines(sig / f)]
                corpus, n = [], 0
                for line in order:
                    if n >= size:
                        break
                    corpus.append(line)
                    n += len(line)
                k = min(len(corpus), len(test))
                seg, t = timed(lambda: train_segmenter(corpus))
                add(set_name, "hybrid, first N chars of the raw text", n, t, seg, test[:k], gold[:k], words)
            else:
                corpus, n = list(raw), n_raw
                for line in other_text(data):
                    if n >= size:
                        break
                    corpus.append(line)
                    n += len(line)
                seg, t = timed(lambda: train_segmenter(corpus))
                add(set_name, "hybrid, raw text + reviews + poems", n, t, seg, test, gold, words)
        if set_name == "pku" and not args.no_reference:
            import jieba

            from minent.segmentation.lexicon_model import Lexicon

            jdict = Lexicon.read(Path(jieba.__file__).parent / "dict.txt")
            add(set_name, "ref: jieba dict in minent (supervised)", 0, 0.0,
                UnigramSegmenter(jdict, oov_max=0, pre_split=True), test, gold, words)
            add(set_name, "ref: jieba.cut (supervised)", 0, 0.0, jieba_segmenter(), test, gold, words)
    if not args.no_heldout and not args.no_reference:
        # no gold: jieba.cut's segmentation taken as if it were (a flag for a change that cuts or
        # joins common words of another domain, not a score: jieba is itself 0.82 on PKU)
        texts = [line for line in (" ".join(r.split()) for r in reviews(data)) if line]
        seg, t = timed(lambda: train_segmenter(texts))
        out, ref = list(seg.segment_lines(texts)), list(jieba_segmenter().segment_lines(texts))
        add("reviews", "hybrid against jieba.cut (no gold)", sum(map(len, texts)), t, Fixed(out), texts, ref, None)
        share, top = flipped_words(out, ref)
        notes.append(f"reviews: {whole_counts(out, texts)} whole; jieba's tokens of 2+ chars whose type the "
                     f"hybrid never outputs there: {share:.4f} ({', '.join(f'{w} {n}' for w, n in top)})")
    msra = None if args.no_heldout else msra_rows(data, not args.no_reference, timed, notes)
    print("SIGHAN 2005, learning from raw text only (fixed defaults); scored by minent.segmentation.score")
    print_table(["set", "model", "learned from (chars)", "P", "R", "F1", "OOV-R", "IV-R", "learn s"], rows)
    if msra:
        print()
        print(msra[0])
        print_table(["model", "learned from (chars)", "PER cross", "PER whole", "LOC cross", "LOC whole",
                     "ORG cross", "ORG whole", "words crossing", "learn s"], msra[1])
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
