"""The markings reader's accuracy and time: rendered markings in the finishes of real guns, and the shared close-ups.

Run `python -m benchmarks.markings` (see `__main__.py`).
"""
