"""Numba kernels of the segmentation domain: Viterbi decoders, trie, boundary model."""
