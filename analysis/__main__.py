"""`python -m analysis`: the CLI."""

from analysis.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
