"""minent: unsupervised Chinese text mining built on the minimum-entropy principle."""

__version__ = "0.1.0"
