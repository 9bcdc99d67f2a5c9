"""Numba kernels of the words domain: arrays in, arrays out (jieba's DAG and HMM, token tables,
n-gram counting, the new-word passes)."""
