"""The `lake` command group: `lake ingest`, `lake score`, `lake attach` (parsers and handlers)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_NOTHING_DONE = 0, 1


def add_parsers(sub, common: argparse.ArgumentParser, ticker: str, scorers: tuple[str, ...]) -> None:
    """Register `lake ingest|score|attach` on the CLI's subparsers."""
    lake = sub.add_parser(
        "lake", parents=[common], help="the same ingest and scoring over a Parquet lake (Ray)"
    )
    lsub = lake.add_subparsers(dest="lake_command", metavar="COMMAND", required=True)
    engine = argparse.ArgumentParser(add_help=False)
    engine.add_argument("--lake", required=True, help="the lake: a folder, or a URI such as s3://bucket/lake")
    engine.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="local: this process, no Ray (default); ray: a local Ray, or the cluster at --ray-address")  # fmt: skip
    engine.add_argument(
        "--ray-address", default=None, help="a Ray cluster to join (e.g. ray://head:10001 or auto)"
    )
    engine.add_argument(
        "--workers", type=int, default=None, help="Ray actors for scoring (default: the cluster's CPUs)"
    )
    engine.add_argument("--format", choices=["text", "json"], default="text", dest="output")

    p = lsub.add_parser(
        "ingest", parents=[common, engine], help="ingest article files and folders into the lake"
    )
    p.add_argument("paths", nargs="+", help="files or folders (recursive): txt, md, html, jsonl, csv")
    p.set_defaults(handler=cmd_lake_ingest)

    p = lsub.add_parser(
        "score", parents=[common, engine], help="score the lake's articles in a new run (incremental)"
    )
    p.add_argument("--force", action="store_true", help="rescore every article")
    p.add_argument("--ticker", default=ticker)
    p.add_argument("--no-snownlp", action="store_true", help="leave the slow snownlp signal out of this run")
    p.add_argument("--scorer", choices=scorers, default="learned",
                   help="learned: the tone model (default); lexicon: the word lists and rules alone")  # fmt: skip
    p.set_defaults(handler=cmd_lake_score)

    p = lsub.add_parser("attach",
                        help="a DuckDB file over the lake that the dashboard, report, export and stats read")  # fmt: skip
    p.add_argument("--lake", required=True, help="the lake: a folder, or a URI such as s3://bucket/lake")
    p.add_argument(
        "--db", dest="attach_db", required=True, help="the DuckDB file to write (NARRATIVE_DB=FILE reads it)"
    )
    p.add_argument("--format", choices=["text", "json"], default="text", dest="output")
    p.set_defaults(handler=cmd_lake_attach)


def _engine(args):
    _need_pyarrow()
    from analysis.lake.engine import make_engine

    return make_engine(args.engine, address=args.ray_address, workers=args.workers)


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        from analysis.errors import ConfigError

        raise ConfigError("the lake needs pyarrow: pip install 'narrative-tone[ray]'") from None


def _progress(label: str):
    from analysis.cli import _progress_printer

    return _progress_printer(label)


def cmd_lake_ingest(args) -> int:
    from analysis.lake.ingest import lake_ingest
    from analysis.lake.layout import Lake

    missing = [p for p in args.paths if not Path(p).exists()]
    for path in missing:
        print(f"error: {path}: no such file or folder", file=sys.stderr)
    engine = _engine(args)
    try:
        summary, work = lake_ingest(Lake(args.lake), [p for p in args.paths if Path(p).exists()], engine=engine,
                              progress=_progress("lake ingest"))  # fmt: skip
    finally:
        engine.shutdown()
    if args.output == "json":
        print(
            json.dumps(
                summary.as_dict() | work | {"missing": missing, "engine": engine.name},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for problem in summary.problems:
            print(f"rejected: {problem}", file=sys.stderr)
        for warning in summary.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        line = (
            f"{summary.files} files: {len(summary.added)} articles added to {args.lake} "
            f"({work['tasks']} tasks, {work['files_written']} files in {work['partitions']} months)"
        )
        if summary.already_stored:
            line += f", {len(summary.already_stored)} already there (nothing added for them)"
        if summary.near_duplicates:
            line += f", {summary.near_duplicates} linked as near-duplicates"
        if summary.problems:
            line += f", {len(summary.problems)} rejected"
        print(line)
    return EXIT_OK if summary.added or summary.already_stored else EXIT_NOTHING_DONE


def cmd_lake_score(args) -> int:
    from analysis.lake.layout import Lake
    from analysis.lake.score import lake_score

    engine = _engine(args)
    try:
        summary, work = lake_score(Lake(args.lake), engine=engine, ticker=args.ticker, force=args.force,
                                   use_snownlp=not args.no_snownlp, scorer=args.scorer,
                                   progress=_progress("lake score"))  # fmt: skip
    finally:
        engine.shutdown()
    if args.output == "json":
        print(json.dumps(summary.as_dict() | work | {"engine": engine.name}, ensure_ascii=False, indent=2))
        return EXIT_OK
    run = summary.run
    assert run is not None, "lake_score commits a run or raises"
    print(f"run {run.run_id} ({run.scorer} {run.version}, config {run.config_hash[:12]}, {engine.name}): "
          f"scored {summary.scored} articles in {work['parts']} batches on {len(work['workers'])} workers, "
          f"{summary.total_articles - summary.scored} unchanged, in {summary.seconds:.1f}s")  # fmt: skip
    return EXIT_OK


def cmd_lake_attach(args) -> int:
    from analysis.bundled import ensure_bundled_prices
    from analysis.lake.layout import Lake
    from analysis.store import Store, attach_lake

    _need_pyarrow()
    lake = Lake(args.lake)
    snapshot = lake.snapshot()
    counts = attach_lake(args.attach_db, files=snapshot.files,
                         runs=snapshot.runs)  # fmt: skip
    loaded = ensure_bundled_prices(Store(args.attach_db))  # as setup does: tickers with no prices yet
    if args.output == "json":
        print(json.dumps(counts | {"db": args.attach_db, "prices_loaded": loaded}, indent=2))
    else:
        print(f"{args.attach_db}: {counts['articles']} articles, {counts['current_scores']} current scores, "
              f"{counts['facts']} facts over {args.lake}"
              + (f"; loaded bundled prices: {', '.join(loaded)}" if loaded else ""))  # fmt: skip
        print(f"serve it: NARRATIVE_DB={args.attach_db} python -m analysis dashboard")
    return EXIT_OK
