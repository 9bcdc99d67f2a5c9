"""Graphs: communities by the map equation (:mod:`~minent.graph.infomap`) and word graphs from word
vectors (:mod:`~minent.graph.wordgraph`). Graph files are read and written by :mod:`minent.io.graph`."""
