"""Exceptions that carry a user-facing message and the exit code the CLI maps them to.

Library code raises these (never prints); ``minent.cli`` turns them into one line on
stderr and the exit code: 1 for bad data, 2 for bad usage.
"""


class MinentError(Exception):
    """Base class of every error minent reports to its user."""

    exit_code = 1


class DataError(MinentError):
    """The input data is malformed: invalid bytes, a bad row, a malformed model file."""

    exit_code = 1


class UsageError(MinentError):
    """The call itself is wrong: a missing file, an option out of range, a bad combination."""

    exit_code = 2
