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


class InvalidBytesError(DataError):
    """Bytes of an input are not valid in the encoding it is read with.

    The message names the file, line and byte; *codec* is the encoding that failed (the CLI
    suggests the options worth trying from it).
    """

    def __init__(self, message: str, codec: str):
        super().__init__(message)
        self.codec = codec

    def __reduce__(self):  # crosses process boundaries (count workers) with its codec
        return type(self), (str(self), self.codec)


class UsageError(MinentError):
    """The call itself is wrong: a missing file, an option out of range, a bad combination."""

    exit_code = 2
