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
        help="--pre-split: numbers and Latin runs are tokens of their own. Default --no-pre-split: each is "
        "one unit that may head a word through the lexicon (1997年, 3月份, written 0年 in the lexicon), "
        "as the SIGHAN and CTB standards segment them.",
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
    entry_cost: Annotated[float, typer.Option(
        "--entry-cost", min=0, help="Cost of a lexicon entry, nats per character (per join for words of up to --oov-max "
        "characters: the decoder makes those without an entry).")] = 4.0,
    oov_max: OovMax = 2,
    oov_penalty: OovPenalty = 2.0,
    iterations: Annotated[int, typer.Option("--iterations", min=0, help="Most re-estimation passes.")] = 30,
    tol: Annotated[float, typer.Option("--tol", min=0, help="Stop when bits/char improves by less than this.")] = 5e-3,
    free_pair: Annotated[
        float,
        typer.Option("--free-pair", min=0, max=1, help="Drop collocations of free units: two-character words whose "
                     "characters, or longer words whose 2+-character parts, are all words by themselves at least "
                     "this often (这是, 改革开放); 0: keep all."),
    ] = 0.3,
    pre_split: PreSplit = False,
    scheduler: Annotated[
        Optional[str],
        typer.Option(
            "--scheduler", metavar="ADDRESS",
            help="Run on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' (a local cluster of "
            "--jobs processes). The corpus is read, counted and segmented for re-estimation on the workers; "
            "the lexicon is updated here. Same lexicon as without it. Needs dask: pip install 'minent[dask]' "
            "(in a clone: pip install '.[dask]').",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        Optional[int],
        typer.Option("--jobs", "-j", min=1, help="With --scheduler local: its worker processes (default: the CPUs "
                     "available). Without --scheduler the lexicon is learned in one process.", show_default=False),
    ] = None,
    encoding: common.Encoding = "utf-8",
    errors: common.Errors = "strict",
    jsonl_field: common.JsonlField = None,
    csv_column: common.CsvColumn = None,
    fmt: Annotated[Literal["tsv", "jsonl", "json"], common.format_option()] = "tsv",
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    from minent.segmentation.lexicon import build_lexicon

    common.start_numba()
    common.setup(quiet)
    corpus = common.make_corpus(inputs, encoding, errors, jsonl_field, csv_column)
    start = time.perf_counter()
    with common.progress(corpus.total_bytes, quiet=quiet, description="lexicon") as advance:
        texts = corpus if scheduler is not None else corpus.documents(advance)
        result = build_lexicon(
            texts, max_len=max_len, min_count=min_count, margin=margin, entry_cost=entry_cost,
            oov_max=oov_max, oov_penalty=oov_penalty, iterations=iterations, tol=tol, free_pair=free_pair,
            pre_split=pre_split, scheduler=scheduler, jobs=jobs, read_progress=advance,
        )
    common.report_encodings(corpus)
    common.emit(result.to_rows(), result.columns, fmt, output, header=header)
    common.summary("lexicon", f"{len(result.lexicon)} words from {result.n_chars} characters, "
                   f"{result.bits_chars:.4f} bits/char before, {result.bits_final:.4f} after",
                   {**result.settings, "scheduler": scheduler},
                   time.perf_counter() - start)


@app.command(
    "segment",
    help="Segment text line by line: words separated by one space, one output line per input line. "
    "The model comes from --lexicon (TSV), --load (.tsv lexicon, .npz charlm or hybrid) or --train (raw corpus).",
)
def segment_cmd(
    inputs: common.Inputs = None,
    lexicon: Annotated[
        Optional[Path], typer.Option("--lexicon", "-l", help="Lexicon TSV (minent lexicon; also word lists, jieba dicts).")
    ] = None,
    load: Annotated[Optional[Path], typer.Option("--load", help="Saved model: .tsv lexicon, .npz charlm or hybrid.")] = None,
    train: Annotated[
        Optional[list[str]], typer.Option("--train", metavar="FILE", help="Learn the model from this raw corpus first (repeatable). Training reads it once and keeps it encoded (4 bytes per character); standard input and pipes work too.")
    ] = None,
    model: Annotated[
        Optional[Literal["unigram", "charlm", "hybrid"]],
        typer.Option(
            "--model", "-m",
            help="With --train: unigram (lexicon + Viterbi), charlm (character 4-gram LM, b/c/d/e tags) or "
            "hybrid (both scores; the default with --train, best F1). --lexicon is unigram; --load reads the file's.",
            show_default=False,
        ),
    ] = None,
    save: Annotated[
        Optional[Path], typer.Option("--save", help="With --train: also save the model (unigram .tsv; charlm, hybrid .npz).",
                                     callback=common.check_output)
    ] = None,
    oov_max: OovMax = 2,
    oov_penalty: OovPenalty = 2.0,
    alpha: Annotated[float, typer.Option("--alpha", min=0, help="charlm training: smoothing strength (Dirichlet prior).")] = 20.0,
    transitions: Annotated[
        Optional[str],
        typer.Option("--transitions", metavar="WEIGHTS", help="charlm: tag transition weights, e.g. bc=0.15,cd=0.01,de=0.01,ee=0.001."),
    ] = None,
    self_train: Annotated[
        int,
        typer.Option("--self-train", min=0, help="hybrid training: rounds of self-training of the boundary model "
                     "(decode the corpus, refit; 0: none)."),
    ] = 3,
    pre_split: PreSplit = False,
    encoding: common.Encoding = "utf-8",
    errors: common.Errors = "strict",
    jsonl_field: common.JsonlField = None,
    csv_column: common.CsvColumn = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=1, help="Worker processes segmenting batches of lines (forked: the model "
                     "is shared); with --scheduler local, the cluster's worker processes. The output does not "
                     "depend on it. Training without --scheduler uses one process."),
    ] = 1,
    scheduler: Annotated[
        Optional[str],
        typer.Option(
            "--scheduler", metavar="ADDRESS",
            help="Run on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' (a local cluster of "
            "--jobs processes). --train: the corpus is read, counted and re-estimated on the workers (the "
            "boundary model's self-training runs here); the text to segment is segmented on the workers, "
            "output in input order. Same model and output as without it. Needs dask: pip install "
            "'minent[dask]' (in a clone: pip install '.[dask]').",
            show_default=False,
        ),
    ] = None,
    output: common.Output = None,
    quiet: common.Quiet = False,
) -> None:
    common.start_numba()
    common.setup(quiet)
    sources = [x for x in (lexicon, load, train) if x]
    if len(sources) != 1:
        raise UsageError("give exactly one of --lexicon, --load, --train")
    if save is not None and not train:
        raise UsageError("--save needs --train")
    if train and "-" in train and (not inputs or "-" in inputs):
        # training would consume standard input and leave nothing to segment
        raise UsageError("--train - and the text to segment cannot both be standard input: give the text as a file")
    trans = _parse_transitions(transitions)
    start = time.perf_counter()
    segmenter = _make_segmenter(lexicon, load, train, model, save, oov_max, oov_penalty, alpha, trans, pre_split,
                                encoding, errors, jsonl_field, csv_column, quiet, self_train, scheduler, jobs)
    corpus = common.make_corpus(inputs, encoding, errors, jsonl_field, csv_column)
    if scheduler is not None:
        from minent.segmentation.cluster import segment_on_cluster

        with common.progress(corpus.total_bytes, quiet=quiet, description="segment") as advance:
            n = common.emit_text(segment_on_cluster(segmenter, corpus, scheduler, jobs=jobs, progress=advance), output)
        common.report_encodings(corpus)
        common.summary("segment", f"{n} lines", {"jobs": jobs, "scheduler": scheduler}, time.perf_counter() - start)
        return
    if (not inputs or "-" in inputs) and _interactive():  # typed text: small batches, no worker processes
        batch_chars, jobs = 1 << 16, 1
    else:
        batch_chars = 1 << 18  # ~40 MB of decoder arrays a batch
    if jobs == 1 and corpus.total_bytes is None:
        # standard input or a pipe: a batch also ends when the input stalls (tail -f log |
        # minent segment), and its lines are written at once; a long line comes in pieces
        def flushed(batches):
            for batch in batches:
                yield batch
                if output is None:  # the batch's lines are written: show them before waiting for more
                    sys.stdout.flush()

        batches = corpus.batches(max_chars=batch_chars, flush_on_stall=True, cut=segmenter.cut_rule())
        n = common.emit_text(segmenter.segment_batches(flushed(batches)), output)
    else:
        with common.progress(corpus.total_bytes, quiet=quiet, description="segment") as advance:
            # a line longer than a batch comes in pieces (cut where no token changes), written as one line
            if corpus.jsonl_field is None and corpus.csv_column is None:  # lines: a string a block
                blocks = corpus.line_blocks(batch_chars, advance, cut=segmenter.cut_rule())
                n = common.emit_blocks(segmenter.segment_blocks(blocks, jobs=jobs), output)
            else:
                docs = corpus.documents(advance, cutter=corpus.line_cutter(batch_chars, segmenter.cut_rule()))
                n = common.emit_text(segmenter.segment_lines(docs, batch_chars=batch_chars, jobs=jobs), output)
    common.report_encodings(corpus)
    common.summary("segment", f"{n} lines", {"jobs": jobs}, time.perf_counter() - start)


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _make_segmenter(lexicon, load, train, model, save, oov_max, oov_penalty, alpha, trans, pre_split,
                    encoding, errors, jsonl_field, csv_column, quiet, self_train=0, scheduler=None, jobs=None):
    from minent.segmentation import load_segmenter, save_segmenter, train_segmenter

    if train:
        corpus = common.make_corpus(train, encoding, errors, jsonl_field, csv_column)
        options = dict(model=model or "hybrid", oov_max=oov_max, oov_penalty=oov_penalty, alpha=alpha,
                       transitions=trans, self_train=self_train, pre_split=pre_split)
        if scheduler is not None:
            with common.progress(corpus.total_bytes, quiet=quiet, description="train") as advance:
                seg = train_segmenter(corpus, scheduler=scheduler, jobs=jobs, read_progress=advance, **options)
        else:
            seg = train_segmenter(_reread(corpus, quiet), **options)
        if save is not None:
            save_segmenter(seg, save)
        return seg
    if lexicon and model not in (None, "unigram"):
        raise UsageError(f"--lexicon gives a unigram model; --model {model} needs --train or --load")
    return load_segmenter(lexicon or load, model="unigram" if lexicon else model, oov_max=oov_max,
                          oov_penalty=oov_penalty, transitions=trans, pre_split=pre_split)


def _reread(corpus, quiet):
    """A function returning a pass over *corpus* with a progress bar: training calls it once
    (it keeps the corpus encoded), so standard input and pipes stream too."""

    def texts():
        with common.progress(corpus.total_bytes, quiet=quiet, description="train") as advance:
            yield from corpus.documents(advance)

    return texts


@app.command(
    "score",
    help="Score a segmentation against gold as the SIGHAN bakeoff scorer does: precision, recall, F1 "
    "(and OOV rate, OOV recall, IV recall with --words).",
)
def score_cmd(
    gold: Annotated[Path, typer.Argument(help="Gold segmentation (UTF-8, words separated by spaces; '-' = stdin).")],
    test: Annotated[Path, typer.Argument(help="Segmentation to score (same text, same lines; '-' = stdin).")],
    words: Annotated[
        Optional[Path], typer.Option("--words", "-w", help="Training word list (UTF-8, first field per line): "
                                     "defines OOV words.")
    ] = None,
    skip_mismatch: Annotated[
        bool, typer.Option("--skip-mismatch", help="Leave out (and name on stderr) the lines whose text differs "
                           "from the gold line, instead of stopping at the first one.")
    ] = False,
    fmt: Annotated[Literal["tsv", "jsonl", "json"], common.format_option()] = "tsv",
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    from minent.errors import DataError
    from minent.segmentation.score import TextMismatchError, score_files

    common.setup(quiet, kernels=False)
    try:
        result = score_files(gold, test, words=words, skip_mismatch=skip_mismatch)
    except TextMismatchError as e:
        raise DataError(f"{e.detail}; --skip-mismatch scores the other lines") from None
    for _, why in result.skipped:
        common.warn(f"skipped {why}")
    common.emit(result.to_rows(), ("metric", "value"), fmt, output, header=header)
    skipped = f", {len(result.skipped)} skipped (text differs from gold)" if result.skipped else ""
    common.summary("score", f"{result.lines} lines{skipped}", result.settings)
