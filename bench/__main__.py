"""`python -m bench [--articles N] [--quick] [--no-snownlp]`: the benchmark, from a checkout (`make bench`)."""

from __future__ import annotations

import argparse
import json
import sys

from bench import run_benchmark


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 articles: a smoke test")
    parser.add_argument("--no-snownlp", action="store_true")
    args = parser.parse_args(argv)
    n = 2_000 if args.quick else args.articles
    results = run_benchmark(n_articles=n, quick=args.quick, use_snownlp=not args.no_snownlp)
    json.dump(results, sys.stdout, ensure_ascii=False, indent=2, default=str)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
