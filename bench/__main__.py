"""`python -m bench [--articles N] [--quick] [--no-snownlp] [--browser]`: the benchmark, from a checkout (`make bench`)."""

from __future__ import annotations

import argparse
import json
import sys

from bench import run_benchmark


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--articles", type=int, default=None, help="default: 100,000 (--lake: 20,000)")
    parser.add_argument("--quick", action="store_true", help="2,000 articles: a smoke test")
    parser.add_argument("--no-snownlp", action="store_true")
    parser.add_argument("--browser", action="store_true",
                        help="the dashboard's interaction times in Chromium (default 20,000 articles)")  # fmt: skip
    parser.add_argument("--lake", action="store_true",
                        help="only the lake column: single-process store vs lake --engine local vs --engine ray")  # fmt: skip
    args = parser.parse_args(argv)
    if args.browser:
        from bench.browser import run_browser_benchmark

        json.dump(run_browser_benchmark(n_articles=args.articles or 20_000), sys.stdout, indent=2)
        print()
        return 0
    if args.lake:
        from bench.lake import LAKE_ARTICLES, run_lake_benchmark
        from bench.run import DEFAULT_OUT

        lake = run_lake_benchmark(
            n_articles=args.articles or LAKE_ARTICLES, out_dir=DEFAULT_OUT, work_dir=DEFAULT_OUT / "work"
        )
        json.dump(lake, sys.stdout, ensure_ascii=False, indent=2, default=str)
        print()
        return 0
    n = 2_000 if args.quick else (args.articles or 100_000)
    results = run_benchmark(n_articles=n, quick=args.quick, use_snownlp=not args.no_snownlp)
    json.dump(results, sys.stdout, ensure_ascii=False, indent=2, default=str)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
