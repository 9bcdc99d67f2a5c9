"""minent.parallel.dask: the Dask path gives exactly the local results (LocalCluster on loopback,
two worker processes started once for the module)."""

import bz2
import gzip
import logging
import sys
from types import SimpleNamespace

import pytest

from minent.parallel import dask as dist
from minent.parallel import partition
from minent.words import count as word_count
from minent.words.newwords import cluster as nw_cluster
from minent.errors import DataError, MinentError, UsageError
from minent.io.corpus import Corpus
from minent.words.count import count_words

from tests.support import SAMPLE, run_minent

distributed = pytest.importorskip("distributed")  # the `test` extra installs it

LINES = [
    "我们在北京大学学习自然语言处理。",
    "今天天气很好，我们去公园散步！ Hello world 2024年",
    "",
    "𠀀𪚥 astral 字符与emoji😀混排",
    "全角ＡＢＣ１２３与半角abc123",
    "研究生命起源，南京市长江大桥。",
]


@pytest.fixture
def files(tmp_path):
    """Several inputs: a big plain file (split into ranges), CRLF + BOM, gzip, bzip2, empty."""
    big = tmp_path / "big.txt"
    big.write_text("\n".join(f"{line}{i}" for i in range(300) for line in LINES) + "\n", encoding="utf-8")
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(LINES * 20)).encode())  # no final newline
    gz = tmp_path / "c.txt.gz"
    with gzip.open(gz, "wb") as fh:
        fh.write(("\n".join(LINES[::-1] * 30) + "\n").encode())
    bz = tmp_path / "d.txt.bz2"
    with bz2.open(bz, "wb") as fh:
        fh.write("北京欢迎你\n".encode() * 10)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    return [big, crlf, gz, bz, empty]


def local_tables(corpus):
    result = count_words(corpus, jobs=1)
    return dict(result.rows), result.tokens, result.documents


CONFIG = dict(
    tokenizer=dict(name="jieba", hmm=True, mode="default", dict_path=None, user_dict=None),
    min_length=1,
    drop_punct=False,
)


def test_plan_tiles_large_files_and_groups_small_ones(files):
    big, crlf, gz, bz, empty = files
    corpus = Corpus(files)
    tasks = partition.plan_tasks(corpus, partition_bytes=4096)
    pieces: dict = {}
    for t in tasks:
        for path, start, end in t.pieces:
            pieces.setdefault(path, []).append((start, end))
    assert list(pieces) == [str(p) for p in files]
    for path, ranges in pieces.items():  # each file is tiled: [0, a), [a, b), ..., [z, EOF)
        assert ranges[0][0] == 0 and ranges[-1][1] is None
        assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    assert len(pieces[str(big)]) == -(-big.stat().st_size // 4096) > 10
    assert len(pieces[str(crlf)]) == 2
    assert pieces[str(gz)] == pieces[str(bz)] == pieces[str(empty)] == [(0, None)]  # never split
    assert sum(len(t.pieces) > 1 for t in tasks) == 1  # the small files share one task
    assert sum(t.nbytes for t in tasks) == sum(p.stat().st_size for p in files)
    assert len(partition.plan_tasks(corpus, partition_bytes=1 << 30)) == 1  # all grouped in one task
    assert partition.default_partition_bytes(0, 2) == partition.MIN_PARTITION
    assert partition.default_partition_bytes(10**12, 2) == partition.MAX_PARTITION


@pytest.mark.parametrize("partition_bytes", [1000, 1 << 30])
def test_identical_to_local_run(scheduler, files, partition_bytes):
    want = local_tables(Corpus(files))
    corpus = Corpus(files)
    seen = []
    table, tokens, docs = word_count.count_tables(
        corpus, scheduler, CONFIG, batch_chars=500, partition_bytes=partition_bytes, progress=seen.append
    )
    assert (dict(table.rows()), tokens, docs) == want
    assert sum(seen) == sum(p.stat().st_size for p in files)  # progress covers every byte once


def test_count_words_with_scheduler_and_options(scheduler, files, caplog):
    caplog.set_level(logging.INFO, logger="minent")
    opts = dict(mode="search", min_count=2, top=50, min_length=2, drop_punct=True)
    # partition_bytes reaches the planner with a scheduler too (it was once silently ignored):
    # 2048 bytes split even these small files into byte ranges
    got = count_words(Corpus(files), scheduler=scheduler, partition_bytes=2048, **opts)
    assert "split into byte ranges" in caplog.text
    assert got == count_words(Corpus(files), jobs=1, **opts)


def test_auto_encoding_in_ranges_is_reported(scheduler, tmp_path):
    p = tmp_path / "gb.txt"
    p.write_bytes(("中文测试，简体文字。\n第二行文字\n" * 400).encode("gb18030"))
    corpus = Corpus([p], encoding="auto")
    table, _, docs = word_count.count_tables(corpus, scheduler, CONFIG, partition_bytes=2000)
    assert docs == 800 and dict(table.rows())["中文"] == 400
    assert corpus.chosen_encodings == {str(p): "gb18030"}


def test_bad_data_in_a_later_range_names_the_true_line(scheduler, tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes("好的一行\n".encode() * 3000 + b"ok\xffbad\n" + "尾巴\n".encode() * 100)
    with pytest.raises(DataError, match=r"bad.txt: line 3001, byte 39002: invalid utf-8"):
        word_count.count_tables(Corpus([p]), scheduler, CONFIG, partition_bytes=4096)


def test_empty_corpus(scheduler, tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    table, tokens, docs = word_count.count_tables(Corpus([p]), scheduler, CONFIG)
    assert (table.rows(), tokens, docs) == ([], 0, 0)


def test_merge_counts_leaves_its_inputs_alone():
    from minent.words.table import WordTable

    x = WordTable.from_items
    a, b = (x([("x", 1), ("y", 2)]), 3, 1), (x([("y", 5)]), 5, 2)
    merged = word_count.merge_counts(a, b)
    assert (dict(merged[0].rows()), merged[1:]) == ({"x": 1, "y": 7}, (8, 3))
    assert a == (x([("x", 1), ("y", 2)]), 3, 1) and b == (x([("y", 5)]), 5, 2)


def test_without_dask_says_what_to_install(monkeypatch, files):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` now fails
    with pytest.raises(UsageError, match=r"pip install 'minent\[dask\]'"):
        count_words(Corpus(files), scheduler="local")


def test_unreachable_scheduler_is_a_usage_error():
    with pytest.raises(UsageError, match="cannot reach a dask scheduler"):
        with dist.cluster_client("tcp://127.0.0.1:9", connect_timeout=1):
            pass


def test_cli_stdin_and_files_on_the_cluster(scheduler, files):
    stdin = "\n".join(LINES * 7).encode()
    args = ["count", "-", *files, "--header", "--format", "tsv"]
    local = run_minent(*args, "-j", "1", input=stdin)
    remote = run_minent(*args, "--scheduler", scheduler, input=stdin)
    assert local.returncode == remote.returncode == 0, remote.stderr.decode()
    assert remote.stdout == local.stdout and len(local.stdout.splitlines()) > 20
    assert b"dask: " in remote.stderr and b"scheduler=tcp://" in remote.stderr


def test_cli_local_cluster(files):
    ok = run_minent("count", *files, "--scheduler", "local", "-j", "2", "-q")
    assert ok.returncode == 0 and ok.stderr == b"", ok.stderr.decode()
    assert ok.stdout == run_minent("count", *files, "-j", "1").stdout


def test_cli_bad_data_on_a_worker(scheduler, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\n\xff\n")
    err = run_minent("count", bad, "--scheduler", scheduler, "-o", tmp_path / "out.tsv")
    assert err.returncode == 1 and err.stdout == b"" and not (tmp_path / "out.tsv").exists()
    lines = err.stderr.decode().splitlines()
    assert lines[-1].startswith("minent: error: ") and "bad.txt: line 2, byte 3" in lines[-1]
    assert "Traceback" not in err.stderr.decode()


class _FailedFuture:
    def __init__(self, exc):
        self._exc = exc

    def exception(self):
        return self._exc


def test_worker_failures_become_one_line_errors():
    with pytest.raises(DataError, match="x.txt: line 3"):
        dist._raise_task_error(_FailedFuture(DataError("x.txt: line 3: bad")), "x.txt")
    killed = distributed.KilledWorker("task-1", SimpleNamespace(address="tcp://w:1"), 3)
    with pytest.raises(MinentError, match=r"dask workers kept dying while reading big.txt bytes 0-10"):
        dist._raise_task_error(_FailedFuture(killed), "big.txt bytes 0-10")
    with pytest.raises(MinentError, match="failed on a worker: MemoryError"):
        dist._raise_task_error(_FailedFuture(MemoryError()), "a.txt")


# -- minent newwords ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "opts",
    [
        dict(method="cohesion", min_count=3),
        dict(method="entropy", min_count=3, min_entropy=0.5),
        dict(method="pmi-split", min_count=2, top=40, known={"北京"}),
        dict(method="cohesion"),  # min_count from the corpus size
        dict(method="cohesion", min_count=3, rank="count"),  # the published ranking
    ],
)
def test_newwords_identical_to_local_run(scheduler, files, monkeypatch, caplog, opts):
    from minent.words.newwords.discover import find_new_words

    caplog.set_level(logging.INFO, logger="minent")
    monkeypatch.setattr(partition, "MIN_PARTITION", 8192)  # several tasks, large files split into ranges
    inputs = [SAMPLE, *files]  # the sample novel has real new words (names, places)
    local = find_new_words(Corpus(inputs), jobs=1, chunk_chars=3000, **opts)
    remote = find_new_words(Corpus(inputs), scheduler=scheduler, chunk_chars=1000, **opts)
    assert "split into byte ranges" in caplog.text  # the patch took effect
    assert remote.to_rows() == local.to_rows() and remote.settings == local.settings
    assert len(local.words) > 10


def test_cluster_chunks_share_one_vocabulary(scheduler, files):
    from minent.text.vocab import CharVocab, Folder

    chunks = nw_cluster.cluster_chunks(Corpus(files), scheduler, chunk_chars=500, partition_bytes=2048)
    try:
        got = list(chunks)  # fetched to the client: the fallback path
        assert len(got) > 5
        mapped = chunks.map_chunks(len)
        assert mapped == [len(ids) for ids in got]
        vocab = chunks.vocab
        text = "".join(vocab.decode(ids) for ids in got)
    finally:
        chunks.close()
    ref_vocab = CharVocab()
    fold = Folder(ref_vocab)
    want = [fold(ref_vocab.encode([t])) for t in Corpus(files).documents()]
    assert sorted(text.replace(" ", "")) == sorted("".join(ref_vocab.decode(ids) for ids in want).replace(" ", ""))


def test_cli_newwords_on_the_cluster(scheduler, files):
    stdin = "\n".join(LINES * 9).encode()
    args = ["newwords", "-", SAMPLE, *files, "--min-count", "3", "--format", "jsonl"]
    local = run_minent(*args, "-j", "1", input=stdin)
    remote = run_minent(*args, "--scheduler", scheduler, input=stdin)
    assert local.returncode == remote.returncode == 0, remote.stderr.decode()
    assert remote.stdout == local.stdout and len(local.stdout.splitlines()) > 10
    assert b"scheduler=tcp://" in remote.stderr


def test_map_chunks_reduces_on_the_workers(scheduler, files):
    import operator

    chunks = nw_cluster.cluster_chunks(Corpus(files), scheduler, chunk_chars=500, partition_bytes=2048)
    try:
        sizes = chunks.map_chunks(len)
        assert len(sizes) > 5
        assert chunks.map_chunks(len, reduce=operator.add) == [sum(sizes)]
    finally:
        chunks.close()


def test_local_processes_start_on_loopback_and_leave_nothing_behind():
    import os

    with dist.LocalProcesses(1) as cluster:
        pids = [p.pid for p in cluster._procs]
        assert cluster.address.startswith("tcp://127.0.0.1:")
        with distributed.Client(cluster.address, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=120)
            assert client.submit(sum, [1, 2], pure=False).result() == 3
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
