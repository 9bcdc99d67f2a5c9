"""Segmentation on a Dask cluster (minent.segmentation.cluster): the lexicon, the saved model and
the segmented text are byte for byte those of the local run (LocalCluster on loopback, two
single-threaded worker processes started once for the module)."""

import gzip

import pytest
from tests.support import SAMPLE, run_installed

from minent.errors import UsageError
from minent.io.corpus import Corpus
from minent.segmentation import load_segmenter, save_segmenter, train_segmenter
from minent.segmentation.cluster import segment_on_cluster
from minent.segmentation.lexicon import build_lexicon

distributed = pytest.importorskip("distributed")  # the `test` extra installs it

EXTRA = ["", "１９９７年３月份，Hello 世界！", "𠀀𪚥字與繁體字混排", "  ", "北京大學的學生"]


@pytest.fixture
def files(tmp_path):
    """A plain file cut into several byte ranges (CRLF, BOM), a gzip file, an empty file."""
    sample = SAMPLE.read_text(encoding="utf-8").splitlines()
    big = tmp_path / "big.txt"
    big.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(sample + EXTRA).encode())
    gz = tmp_path / "more.txt.gz"
    with gzip.open(gz, "wb") as fh:
        fh.write(("\n".join(EXTRA[::-1] + sample[::7]) + "\n").encode())
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    return [big, gz, empty]


@pytest.mark.parametrize("model", ["hybrid", "charlm", "unigram"])
def test_training_on_the_cluster_saves_the_local_model(scheduler, files, tmp_path, model):
    local, remote = tmp_path / "local", tmp_path / "remote"
    save_segmenter(train_segmenter(lambda: Corpus(files).documents(), model=model, self_train=2), local)
    corpus = Corpus(files)
    seg = train_segmenter(corpus, model=model, self_train=2, scheduler=scheduler, partition_bytes=9000)
    save_segmenter(seg, remote)
    assert remote.read_bytes() == local.read_bytes()


def test_lexicon_on_the_cluster(scheduler, files):
    local = build_lexicon(Corpus(files).documents(), pre_split=True)
    remote = build_lexicon(Corpus(files), pre_split=True, scheduler=scheduler, partition_bytes=5000)
    assert remote.to_rows() == local.to_rows() and remote.bits_per_iteration == local.bits_per_iteration
    assert remote.n_chars == local.n_chars and remote.candidates == local.candidates


def test_segmenting_on_the_cluster_keeps_the_order(scheduler, files, tmp_path):
    seg = train_segmenter([line for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:150]], self_train=1)
    local = list(seg.segment_lines(Corpus(files).documents()))
    remote = list(segment_on_cluster(seg, Corpus(files), scheduler, partition_bytes=3000))
    assert remote == local and len(local) > 300


def test_standard_input_must_come_last(scheduler, files):
    with pytest.raises(UsageError, match="standard input must come after the files"):
        train_segmenter(Corpus(["-", files[0]]), scheduler=scheduler)


def test_cli_scheduler_local(files, tmp_path):
    """The installed command: --scheduler local trains the same model, learns the same lexicon and
    writes the same segmentation as the local run; stderr says what ran on the cluster."""
    text = files[0]
    train = [arg for f in files for arg in ("--train", f)]
    ok = run_installed("segment", *train, "--save", tmp_path / "local.npz", text, "-q",
                       "-o", tmp_path / "local.txt")
    assert ok.returncode == 0, ok.stderr.decode()
    r = run_installed("segment", *train, "--save", tmp_path / "remote.npz", text,
                      "--scheduler", "local", "-j", "2", "-o", tmp_path / "remote.txt")
    assert r.returncode == 0, r.stderr.decode()
    assert (tmp_path / "remote.npz").read_bytes() == (tmp_path / "local.npz").read_bytes()
    assert (tmp_path / "remote.txt").read_bytes() == (tmp_path / "local.txt").read_bytes()
    err = r.stderr.decode()
    assert "dask: started a local cluster of 2 worker processes" in err and "scheduler=local" in err
    lex_local = run_installed("lexicon", *files, "-q")
    lex_remote = run_installed("lexicon", *files, "--scheduler", "local", "-j", "2", "-q")
    assert lex_remote.returncode == 0 and lex_remote.stdout == lex_local.stdout and lex_local.stdout
    loaded = load_segmenter(tmp_path / "remote.npz")
    assert (tmp_path / "remote.txt").read_text(encoding="utf-8").splitlines() == list(
        loaded.segment_lines(Corpus([text]).documents()))


def test_cli_bad_data_on_a_worker(scheduler, tmp_path):
    """A training file with invalid bytes: one line naming file and line, exit 1, no model."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes("北京大学\n".encode() * 50 + b"ok\n\xff\n")
    for args in (["segment", "--train", bad, "--save", tmp_path / "m.npz", "-o", tmp_path / "out.txt", bad],
                 ["lexicon", bad, "-o", tmp_path / "out.txt"]):
        err = run_installed(*args, "--scheduler", scheduler)
        assert err.returncode == 1 and err.stdout == b"", err.stderr.decode()
        last = err.stderr.decode().splitlines()[-1]
        assert last.startswith("minent: error: ") and "bad.txt: line 52" in last, last
        assert "Traceback" not in err.stderr.decode()
        assert not (tmp_path / "m.npz").exists() and not (tmp_path / "out.txt").exists()
