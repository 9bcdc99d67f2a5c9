"""New-word discovery (``minent newwords``): the words of a corpus that no dictionary knows, found
from the text alone (docs/algorithms.md, "New words").

:func:`~minent.words.newwords.discover.find_new_words` runs the cohesion, entropy and PMI-split
methods locally; :mod:`~minent.words.newwords.cluster` holds the encoded corpus on a Dask cluster.
"""
