"""Information-theoretic estimators: HSIC (hsic.py), embedding dimension (dim.py), k-NN entropy (knn.py)."""
