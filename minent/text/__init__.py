"""The text model every domain shares (docs/algorithms.md, "Text model").

:mod:`~minent.text.chars` classifies characters (Han, Latin, digits, other), cuts documents into
pieces, normalises full-width forms and converts between strings and code-point arrays;
:mod:`~minent.text.vocab` maps characters to dense int32 ids; :mod:`~minent.text.batching` groups
documents into batches. Nothing here reads files (that is :mod:`minent.io`).
"""
