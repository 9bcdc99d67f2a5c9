"""``python -m minent`` is the ``minent`` command."""

import gc


def run() -> None:
    """The ``minent`` program (console script and ``python -m minent``).

    The garbage collector is off while the command's modules load: typer, pydantic, numba and
    its registries are ~10^6 long-lived objects, and the full collections their creation
    triggers cost ~0.15–0.35 s of every run. :func:`minent.cli.common.settle_gc` freezes them
    (a collection never scans them again) and turns the collector back on before the work.
    """
    gc.disable()
    from minent.cli import main

    main()


if __name__ == "__main__":
    run()
