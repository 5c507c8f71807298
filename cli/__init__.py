"""The `basegun` command: above both the library (`basegun/`) and the web layer (`api/`), as `training/cli.py`
is for training. The library prints nothing; every line a person reads in a terminal is written here."""
