"""Camera node: capture → detect → track → count → spool → push. No image leaves the node."""

__version__ = "0.1.0"
