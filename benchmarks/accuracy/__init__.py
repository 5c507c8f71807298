"""The accuracy protocol: `python -m benchmarks.accuracy` (see `__main__.py`)."""
