"""``minent hsic``, ``minent dim``, ``minent entropy``: the information-theoretic estimators.

Thin wrappers: each command reads its input (minent.io.matrix for numeric samples), calls
one library function with the same parameters and writes its result row.  numba, scipy and
the estimators are imported inside the command bodies so ``minent --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from minent.cli import common
from minent.cli.app import app
from minent.parallel.jobs import default_jobs

_Fmt = Annotated[Literal["tsv", "jsonl", "json"], common.format_option()]


def _rows(result, fmt: str) -> list[tuple]:
    # Missing values (no test, no sigma for a linear kernel): empty TSV cells, JSON nulls.
    if fmt == "tsv":
        return [tuple("" if v is None else v for v in row) for row in result.to_rows()]
    return result.to_rows()


def _set_threads(jobs: int | None) -> None:
    import numba

    numba.set_num_threads(max(1, min(jobs or default_jobs(), numba.config.NUMBA_NUM_THREADS)))


@app.command(
    "hsic",
    help="HSIC dependence between paired samples (two files, or two column groups of one file) "
    "with a p-value: statistic, pvalue, n, estimator, kernel, widths, test, method.",
)
def hsic_cmd(
    inputs: Annotated[
        Optional[list[str]],
        typer.Argument(
            help="x file and optional y file (TSV, CSV, whitespace or .npy; '-' = stdin). "
            "With one file: its two columns, or the groups chosen by --x-cols/--y-cols.",
            show_default=False,
        ),
    ] = None,
    x_cols: Annotated[Optional[str], typer.Option("--x-cols", metavar="COLS", help="Columns of x: 1-based numbers/ranges ('1,3-5') or header names.")] = None,
    y_cols: Annotated[Optional[str], typer.Option("--y-cols", metavar="COLS", help="Columns of y (of the second file if there is one).")] = None,
    kernel: Annotated[Literal["gaussian", "linear"], typer.Option("--kernel", help="Kernel on both sides.")] = "gaussian",
    sigma_x: Annotated[Optional[float], typer.Option("--sigma-x", help="Gaussian width for x (default: median pairwise distance).")] = None,
    sigma_y: Annotated[Optional[float], typer.Option("--sigma-y", help="Gaussian width for y (default: median pairwise distance).")] = None,
    estimator: Annotated[
        Literal["biased", "unbiased", "article"],
        typer.Option("--estimator", help="biased Tr(KHLH)/n^2; unbiased U-statistic (Song et al.; n >= 4); article: Tr(KHLH)/(n-1)^2 as in the source article."),
    ] = "biased",
    test: Annotated[
        Literal["gamma", "permutation", "none"],
        typer.Option("--test", help="p-value: Gretton's gamma approximation (n >= 6; with fewer samples no p-value, with a warning), a permutation test, or none."),
    ] = "gamma",
    permutations: Annotated[int, typer.Option("--permutations", min=1, help="Permutations for --test permutation.")] = 1000,
    seed: common.Seed = 0,
    max_exact: Annotated[
        Optional[int],
        typer.Option("--max-exact", min=4, help="Largest n computed exactly (default: two n x n matrices in 2 GiB, 11585); beyond, a linear-time approximation."),
    ] = None,
    approx: Annotated[
        Literal["auto", "exact", "rff", "block"],
        typer.Option("--approx", help="Force a method: exact, rff (random Fourier features), block (B-test); auto chooses by --max-exact."),
    ] = "auto",
    features: Annotated[int, typer.Option("--features", min=2, help="Random Fourier features per side (rff).")] = 100,
    block_size: Annotated[Optional[int], typer.Option("--block-size", min=4, help="Block size for --approx block (default sqrt(n)).")] = None,
    normalize: Annotated[
        bool,
        typer.Option("--normalize", help="Report HSIC(x,y)/sqrt(HSIC(x,x) HSIC(y,y)) (centred kernel alignment; exact method)."),
    ] = False,
    jobs: common.Jobs = None,
    fmt: _Fmt = "tsv",
    digits: common.Digits = None,
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    from minent.estimators.hsic import hsic
    from minent.errors import UsageError
    from minent.io.matrix import read_pair

    common.setup(quiet)
    paths = list(inputs or ["-"])
    if len(paths) > 2:
        raise UsageError(f"hsic takes one or two input files, got {len(paths)}")
    x, y = read_pair(paths[0], paths[1] if len(paths) == 2 else None, x_cols=x_cols, y_cols=y_cols)
    _set_threads(jobs)
    result = hsic(
        x.data, y.data, kernel=kernel, sigma_x=sigma_x, sigma_y=sigma_y, estimator=estimator,
        test=test, permutations=permutations, seed=seed, max_exact=max_exact, approx=approx,
        features=features, block_size=block_size, normalize=normalize,
    )
    common.summary("hsic", f"n={result.n} x:{x.data.shape[1]}d y:{y.data.shape[1]}d", result.settings)
    common.emit(common.round_rows(_rows(result, fmt), digits), result.columns, fmt, output, header=header)


@app.command(
    "dim",
    help="Embedding dimension for a vocabulary of N words: the rule n > 8.33 ln N and the exact "
    "criterion 2 ln N + h_n < 0. N from --vocab-size, --vocab FILE or a corpus counted with jieba.",
)
def dim_cmd(
    inputs: Annotated[
        Optional[list[str]],
        typer.Argument(help="Corpus to count the vocabulary of (as minent count; '-' = stdin).", show_default=False),
    ] = None,
    vocab_size: Annotated[Optional[int], typer.Option("--vocab-size", "-N", min=2, help="The vocabulary size N.")] = None,
    vocab: Annotated[
        Optional[Path], typer.Option("--vocab", help="Vocabulary file: one word per line, or minent count's word<TAB>count table.")
    ] = None,
    min_count: Annotated[int, typer.Option("--min-count", min=1, help="With a corpus: count words seen at least this often.")] = 1,
    table: Annotated[
        bool, typer.Option("--table", help="Print h_n for common n (n, h_n, linear -0.2406 n, 2 ln N + h_n) instead.")
    ] = False,
    jobs: common.Jobs = None,
    encoding: common.Encoding = "utf-8",
    errors: common.Errors = "strict",
    jsonl_field: common.JsonlField = None,
    csv_column: common.CsvColumn = None,
    fmt: _Fmt = "tsv",
    digits: common.Digits = None,
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    from minent.errors import UsageError
    from minent.estimators import dim

    common.setup(quiet)
    given = sum(v is not None for v in (vocab_size, vocab)) + bool(inputs)
    if given > 1:
        raise UsageError("give only one of --vocab-size, --vocab and a corpus")
    if given == 0 and not table:
        raise UsageError("give --vocab-size N, --vocab FILE or a corpus (or --table)")
    n_words = vocab_size
    if vocab is not None:
        with common.read_as_utf8():  # a word list is UTF-8 whatever --encoding says
            n_words = dim.vocab_size_from_file(str(vocab))
        common.info(f"dim: {vocab}: {n_words} distinct words")
    elif inputs:
        from minent.words.count import count_words

        corpus = common.make_corpus(inputs, encoding, errors, jsonl_field, csv_column)
        with common.progress(corpus.total_bytes, quiet=quiet, description="count") as advance:
            counts = count_words(corpus, min_count=min_count, drop_punct=True,
                                 jobs=jobs or default_jobs(), progress=advance)
        common.report_encodings(corpus)
        n_words = len(counts)
        common.info(f"dim: {n_words} distinct words (jieba, min count {min_count}, punctuation dropped)")
    if n_words is not None and n_words < 2:
        # counted from a file or a corpus (-N has min=2): the data is at fault, exit 1
        from minent.errors import DataError

        source = ", ".join("<stdin>" if str(p) == "-" else str(p) for p in ([vocab] if vocab else inputs))
        raise DataError(f"{source}: the vocabulary has {n_words} words; the rule needs at least 2")
    if table:
        rows = dim.h_table(vocab_size=n_words)
        if fmt == "tsv":
            rows = [tuple("" if v is None else v for v in r) for r in rows]
        common.emit(common.round_rows(rows, digits), dim.H_TABLE_COLUMNS, fmt, output, header=header)
        return
    result = dim.embedding_dimension(n_words)
    common.emit(common.round_rows(result.to_rows(), digits), result.columns, fmt, output, header=header)
    common.summary("dim", f"rule {result.rule_dim}, exact {result.exact_dim}", result.settings)


@app.command(
    "entropy",
    help="Kozachenko-Leonenko k-NN differential entropy of vectors (rows of a TSV/CSV/.npy): "
    "entropy, unit, n, d, k, n_duplicates.",
)
def entropy_cmd(
    input: Annotated[str, typer.Argument(help="Samples, one per row (TSV, CSV, whitespace or .npy; '-' = stdin).")] = "-",
    cols: Annotated[Optional[str], typer.Option("--cols", metavar="COLS", help="Columns to use: 1-based numbers/ranges or header names (default all).")] = None,
    k: Annotated[int, typer.Option("--k", "-k", min=1, help="Neighbour order (3: less variance than 1, little bias).")] = 3,
    unit: Annotated[Literal["nats", "bits"], typer.Option("--unit", help="nats (natural log) or bits.")] = "nats",
    jobs: common.Jobs = None,
    fmt: _Fmt = "tsv",
    digits: common.Digits = None,
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    from minent.estimators.knn import knn_entropy
    from minent.io.matrix import read_matrix

    common.setup(quiet, kernels=False)
    m = read_matrix(input).select(cols)
    m.check_constant(": the distribution is degenerate (differential entropy -inf)")
    result = knn_entropy(m.data, k=k, unit=unit, jobs=jobs or default_jobs())
    if result.n_duplicates:
        common.warn(
            f"{m.name}: {result.n_duplicates} of {result.n} samples repeat another; distances to "
            "copies are ignored (heavily rounded data biases the estimate upwards)"
        )
    common.emit(common.round_rows(_rows(result, fmt), digits), result.columns, fmt, output, header=header)
    common.summary("entropy", f"{result.entropy:.6g} {result.unit} from n={result.n} d={result.d}", result.settings)
