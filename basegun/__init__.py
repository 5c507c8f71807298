"""Basegun: identify a firearm from a photo."""

__version__ = "0.1.0"
