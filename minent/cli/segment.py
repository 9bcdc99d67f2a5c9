"""``minent lexicon``, ``minent segment`` and ``minent score``: minimum-entropy segmentation."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from minent.cli import common
from minent.cli.app import app
from minent.errors import UsageError

PreSplit = Annotated[
    bool,
    typer.Option(
        "--pre-split/--no-pre-split",
        help="Numbers and Latin runs are tokens of their own (default); --no-pre-split lets them "
        "join words as one unit each (1997年, written 0年 in the lexicon).",
    ),
]
OovMax = Annotated[
    int,
    typer.Option("--oov-max", min=0, help="Spans of 2..N characters outside the lexicon may be words (0: never)."),
]
OovPenalty = Annotated[
    float, typer.Option("--oov-penalty", help="Cost in nats of an out-of-lexicon word (see UnigramSegmenter).")
]


def _parse_transitions(spec: str | None) -> dict[str, float] | None:
    if not spec:
        return None
    out = {}
    for part in spec.split(","):
        name, sep, value = part.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise UsageError(f"--transitions: expected tag pairs like bc=0.15,cd=0.01, got {part!r}") from None
        if not sep:
            raise UsageError(f"--transitions: expected tag pairs like bc=0.15,cd=0.01, got {part!r}")
    return out


@app.command(
    "lexicon",
    help="Learn a lexicon from raw text by the minimum-entropy principle: word<TAB>count<TAB>log_prob, "
    "most frequent first. Bits per character before and after go to stderr.",
)
def lexicon_cmd(
    inputs: common.Inputs = None,
    max_len: Annotated[int, typer.Option("--max-len", min=1, max=8, help="Longest candidate word (characters).")] = 4,
    min_count: Annotated[int, typer.Option("--min-count", min=1, help="Fewest occurrences of a candidate n-gram.")] = 2,
    margin: Annotated[
        float, typer.Option("--margin", help="Nats a word must save per extra character (1 = break-even; larger: shorter words).")
    ] = 1.5,
    entry_cost: Annotated[float, typer.Option("--entry-cost", min=0, help="Cost of a lexicon entry, nats per character.")] = 4.0,
    oov_max: OovMax = 2,
    oov_penalty: OovPenalty = 2.0,
    iterations: Annotated[int, typer.Option("--iterations", min=0, help="Most re-estimation passes.")] = 30,
    tol: Annotated[float, typer.Option("--tol", min=0, help="Stop when bits/char improves by less than this.")] = 5e-3,
    pre_split: PreSplit = True,
    encoding: common.Encoding = "utf-8",
    errors: common.Errors = "strict",
    jsonl_field: common.JsonlField = None,
    csv_column: common.CsvColumn = None,
    fmt: Annotated[Literal["tsv", "jsonl", "json"], common.format_option()] = "tsv",
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    from minent.lexicon import build_lexicon
    from minent.lexicon_model import COLUMNS

    common.setup(quiet)
    corpus = common.make_corpus(inputs, encoding, errors, jsonl_field, csv_column)
    start = time.perf_counter()
    with common.progress(corpus.total_bytes, quiet=quiet, description="lexicon") as advance:
        result = build_lexicon(
            corpus.documents(advance), max_len=max_len, min_count=min_count, margin=margin, entry_cost=entry_cost,
            oov_max=oov_max, oov_penalty=oov_penalty, iterations=iterations, tol=tol, pre_split=pre_split,
        )
    common.report_encodings(corpus)
    common.emit(result.lexicon.to_rows(), COLUMNS, fmt, output, header=header)
    common.info(
        f"lexicon: {len(result.lexicon)} words from {result.n_chars} characters; "
        f"{result.bits_chars:.4f} bits/char before, {result.bits_final:.4f} after; "
        f"max_len={max_len} min_count={min_count} margin={margin} entry_cost={entry_cost} oov_max={oov_max} "
        f"oov_penalty={oov_penalty} pre_split={pre_split} ({time.perf_counter() - start:.1f}s)"
    )


@app.command(
    "segment",
    help="Segment text line by line: words separated by one space, one output line per input line. "
    "The model comes from --lexicon (TSV), --load (TSV lexicon or .npz charlm) or --train (raw corpus).",
)
def segment_cmd(
    inputs: common.Inputs = None,
    lexicon: Annotated[
        Optional[Path], typer.Option("--lexicon", "-l", help="Lexicon TSV (minent lexicon; also word lists, jieba dicts).")
    ] = None,
    load: Annotated[Optional[Path], typer.Option("--load", help="Saved model: .tsv lexicon or .npz charlm.")] = None,
    train: Annotated[
        Optional[list[str]], typer.Option("--train", help="Learn the model from this raw corpus first (repeatable).")
    ] = None,
    model: Annotated[
        Literal["unigram", "charlm"],
        typer.Option("--model", "-m", help="unigram: lexicon + Viterbi; charlm: character 4-gram LM with b/c/d/e tags."),
    ] = "unigram",
    save: Annotated[Optional[Path], typer.Option("--save", help="With --train: also save the model (.tsv / .npz).")] = None,
    oov_max: OovMax = 2,
    oov_penalty: OovPenalty = 2.0,
    alpha: Annotated[float, typer.Option("--alpha", min=0, help="charlm training: smoothing strength (Dirichlet prior).")] = 20.0,
    transitions: Annotated[
        Optional[str],
        typer.Option("--transitions", help="charlm: tag transition weights, e.g. bc=0.15,cd=0.01,de=0.01,ee=0.001."),
    ] = None,
    pre_split: PreSplit = True,
    encoding: common.Encoding = "utf-8",
    errors: common.Errors = "strict",
    jsonl_field: common.JsonlField = None,
    csv_column: common.CsvColumn = None,
    output: common.Output = None,
    quiet: common.Quiet = False,
) -> None:
    common.setup(quiet)
    sources = [x for x in (lexicon, load, train) if x]
    if len(sources) != 1:
        raise UsageError("give exactly one of --lexicon, --load, --train")
    if save is not None and not train:
        raise UsageError("--save needs --train")
    trans = _parse_transitions(transitions)
    start = time.perf_counter()
    segmenter = _make_segmenter(lexicon, load, train, model, save, oov_max, oov_penalty, alpha, trans, pre_split,
                                encoding, errors, jsonl_field, csv_column, quiet)
    corpus = common.make_corpus(inputs, encoding, errors, jsonl_field, csv_column)
    n = common.emit_text(segmenter.segment_lines(corpus.documents(), batch_chars=1 << 16 if _interactive() else 1 << 20),
                         output)
    common.info(f"segment: {n} lines ({time.perf_counter() - start:.1f}s)")


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _make_segmenter(lexicon, load, train, model, save, oov_max, oov_penalty, alpha, trans, pre_split,
                    encoding, errors, jsonl_field, csv_column, quiet):
    from minent.charlm import CharLM
    from minent.lexicon_model import Lexicon
    from minent.segment import UnigramSegmenter

    if train:
        tcorpus = common.make_corpus(train, encoding, errors, jsonl_field, csv_column)
        with common.progress(tcorpus.total_bytes, quiet=quiet, description="train") as advance:
            if model == "charlm":
                seg = CharLM.train(tcorpus.documents(advance), alpha=alpha, transitions=trans, pre_split=pre_split)
            else:
                from minent.lexicon import build_lexicon

                result = build_lexicon(tcorpus.documents(advance), oov_max=oov_max, oov_penalty=oov_penalty,
                                       pre_split=pre_split)
                common.info(f"lexicon: {len(result.lexicon)} words; {result.bits_chars:.4f} bits/char before, "
                            f"{result.bits_final:.4f} after")
                seg = UnigramSegmenter(result.lexicon, pre_split=pre_split, oov_max=oov_max, oov_penalty=oov_penalty)
        if save is not None:
            from minent.io.tables import atomic_output

            if model == "charlm":
                seg.save(save)
            else:
                with atomic_output(save) as fh:
                    result.lexicon.write_tsv(fh)
        return seg
    path = lexicon or load
    if not Path(path).is_file():
        raise UsageError(f"{path}: no such model file")
    with open(path, "rb") as f:
        is_npz = f.read(4) == b"PK\x03\x04"
    if is_npz:
        if lexicon is not None:
            raise UsageError(f"{path}: a .npz file is a charlm model: give it with --load")
        return CharLM.load(path, transitions=trans)
    if model == "charlm":
        raise UsageError(f"{path}: --model charlm needs a .npz model saved with --train ... --save")
    return UnigramSegmenter(Lexicon.read(path), pre_split=pre_split, oov_max=oov_max, oov_penalty=oov_penalty)


@app.command(
    "score",
    help="Score a segmentation against gold as the SIGHAN bakeoff scorer does: precision, recall, F1 "
    "(and OOV rate, OOV recall, IV recall with --words).",
)
def score_cmd(
    gold: Annotated[Path, typer.Argument(help="Gold segmentation (words separated by spaces).")],
    test: Annotated[Path, typer.Argument(help="Segmentation to score (same text, same lines).")],
    words: Annotated[
        Optional[Path], typer.Option("--words", "-w", help="Training word list: defines OOV words.")
    ] = None,
    fmt: Annotated[Literal["tsv", "jsonl", "json"], common.format_option()] = "tsv",
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    from minent.score import score_files

    common.setup(quiet)
    result = score_files(gold, test, words=words)
    common.emit(result.to_rows(), ("metric", "value"), fmt, output, header=header)
    common.info(f"score: {result.lines} lines; gold={gold} test={test} words={words or '-'}")
