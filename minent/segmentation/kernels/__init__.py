"""Numba kernels of the segmentation domain: Viterbi decoders, trie, boundary model, the lexicon's
pruning rules (sub-strings of words looked up among the words), the distinct pieces of a corpus,
the own-neighbour code of two-character strings, the numeral rules' cuts."""
