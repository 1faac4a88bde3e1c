"""`python -m bench [--articles N] [--quick] [--no-snownlp] [--browser]`: the benchmark, from a checkout (`make bench`)."""

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
    parser.add_argument("--browser", action="store_true",
                        help="the dashboard's interaction times in Chromium (default 20,000 articles)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.browser:
        from bench.browser import run_browser_benchmark

        n = 20_000 if "--articles" not in (argv if argv is not None else sys.argv) else args.articles
        json.dump(run_browser_benchmark(n_articles=n), sys.stdout, indent=2)
        print()
        return 0
    n = 2_000 if args.quick else args.articles
    results = run_benchmark(n_articles=n, quick=args.quick, use_snownlp=not args.no_snownlp)
    json.dump(results, sys.stdout, ensure_ascii=False, indent=2, default=str)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
