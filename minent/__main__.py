"""``python -m minent`` is the ``minent`` command."""

from minent.cli import main

if __name__ == "__main__":
    main()
