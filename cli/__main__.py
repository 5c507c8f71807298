"""`python -m cli`: the `basegun` command without installing its console script."""

from cli.commands import main

raise SystemExit(main())
