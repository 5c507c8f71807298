"""Training, evaluation, export and reference-model import for Basegun (needs the `training` extra: torch)."""
