"""Benchmarks of Basegun against the reference pipeline (the public `basegun-ml` package), run on demand.

`python -m benchmarks` measures each part side by side with the reference on the same photos, in the same run,
and prints a Markdown table (the JSON lands in `var/benchmarks/`). Speed is never asserted by a unit test.
"""
