"""Information-theoretic estimators: HSIC (hsic.py), embedding dimension (dim.py), k-NN entropy (knn.py)."""


def extreme_exponent(arr, limit: int = 256) -> int:
    """The binary exponent e of max |arr| when it lies beyond 2^±limit, else 0.

    Samples that large overflow squared distances (inf) and samples that small underflow them
    (0); dividing by 2^e is exact and brings them to about 1, and every estimator here knows how
    its result changes under a common scale.
    """
    import numpy as np

    if arr.size == 0:
        return 0
    _, e = np.frexp(np.abs(arr).max())
    return int(e) if abs(int(e)) > limit else 0
