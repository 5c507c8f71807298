"""Background work: running batches, sending mail, purging expired data, as jobs.

The task code (`tasks.py`) is the same everywhere; what runs it depends on the database (`docs/jobs.md`):
- PostgreSQL: procrastinate's queue on the same database (`queue.py`), run by `basegun worker` processes and, unless
  `BASEGUN_EMBEDDED_WORKER=false`, by each serving process; a job held by a worker that dies is taken up by another.
- SQLite (no settings): a small runner inside the serving process (`embedded.py`) that reads its work from the tables
  themselves, so that what a crash cut short resumes when the service starts again.
"""
