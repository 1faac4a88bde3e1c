"""`python -m analysis` / `narrative`: subcommands over the library; domain errors become one line."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from analysis.errors import ConfigError, InputError, NarrativeError, Terminated
from analysis.lake.commands import add_parsers as add_lake_parsers
from analysis.live import commands as live_commands
from analysis.text.terminal import printable

EXIT_OK, EXIT_NOTHING_DONE, EXIT_ERROR = 0, 1, 2
SCORER_CHOICES = ("learned", "lexicon")  # analysis.scoring.SCORERS, without importing the scorer here


def main(argv: list[str] | None = None) -> int:
    restore = _stop_on_sigterm()
    try:
        parser = build_parser()  # reads companies.toml for the --ticker default: its errors are one line too
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help()
            return EXIT_ERROR
        return args.handler(args)
    except NarrativeError as exc:
        print(f"error: {printable(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (Terminated): workers are stopped, runs marked
        how = "stopped by SIGTERM" if isinstance(exc, Terminated) else "interrupted"
        print(f"{how}: what was written before stays; a scoring run in progress was dropped, the previous one "
              "stays current", file=sys.stderr)  # fmt: skip
        return 143 if isinstance(exc, Terminated) else 130
    except BrokenPipeError:
        return EXIT_OK
    finally:
        restore()


def _stop_on_sigterm():
    """SIGTERM raises Terminated in the main thread, so a run stops as it does on Ctrl-C; returns the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def raise_terminated(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, raise_terminated)
    return lambda: signal.signal(signal.SIGTERM, previous)


def build_parser() -> argparse.ArgumentParser:
    from analysis.companies import default_ticker

    ticker = default_ticker()  # the first [[company]] in companies.toml (1810.HK with the bundled data)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="database file (default: $NARRATIVE_DB, else data/narrative.duckdb in a clone, "
                             "the user data folder when installed)")  # fmt: skip
    parser = argparse.ArgumentParser(
        prog="narrative", parents=[common],
        description="Narrative Tone: how the media story about a listed company shifts, against its share price.",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from analysis.ingest.commands import add_parsers as add_article_parsers

    add_article_parsers(sub, common, ticker)

    p = sub.add_parser(
        "setup", parents=[common], help="build the database from the bundled data and score it"
    )
    p.add_argument("--no-snownlp", action="store_true", help="leave the snownlp signal out")
    p.set_defaults(handler=cmd_setup)

    p = sub.add_parser("ingest", parents=[common], help="ingest article files and folders")
    p.add_argument("paths", nargs="+", help="files or folders (recursive): txt, md, html, jsonl, csv")
    p.add_argument("--workers", type=_workers_arg, default=None,
                   help="processes for big ingests, at most the cores (default: all cores)")  # fmt: skip
    p.add_argument("--update", action="store_true",
                   help="a text already stored takes this file's date, title, outlet and URL (a correction) "
                        "instead of being kept as a copy from another outlet or date")  # fmt: skip
    p.add_argument("--format", choices=["text", "json"], default="text", dest="output")
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser("score", parents=[common], help="score articles in a new run (incremental by default)")
    p.add_argument("--force", action="store_true", help="rescore every article")
    p.add_argument("--ticker", default=ticker, type=_ticker_arg)
    p.add_argument(
        "--workers", type=_workers_arg, default=None, help="processes, at most the cores (default: all)"
    )
    p.add_argument("--no-snownlp", action="store_true", help="leave the slow snownlp signal out of this run")
    p.add_argument("--scorer", choices=SCORER_CHOICES, default="learned",
                   help="learned: the tone model (default); lexicon: the word lists and rules alone")  # fmt: skip
    p.add_argument("--format", choices=["text", "json"], default="text", dest="output")
    p.set_defaults(handler=cmd_score)

    p = sub.add_parser("stats", parents=[common], help="article count, prices and the current scoring run")
    p.add_argument("--ticker", default=ticker, type=_ticker_arg)
    p.add_argument("--format", choices=["text", "json"], default="text", dest="output")
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("runs", parents=[common], help="the latest scoring runs")
    p.add_argument("--limit", type=int, default=10)
    p.set_defaults(handler=cmd_runs)

    p = sub.add_parser("export", parents=[common], help="one row per article, with its current score")
    p.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--ticker", default=ticker, type=_ticker_arg)
    p.set_defaults(handler=cmd_export)

    corrections = sub.add_parser(
        "corrections", parents=[common], help="the analyst's corrections: list, export, import"
    )
    csub = corrections.add_subparsers(dest="corrections_command", metavar="ACTION")
    p = csub.add_parser("list", parents=[common], help="the corrections in force (--all: every one made)")
    p.add_argument("--all", action="store_true", help="every correction made, older ones included")
    p.add_argument("--format", choices=["text", "json"], default="text", dest="output")
    p.set_defaults(handler=cmd_corrections_list)
    p = csub.add_parser("export", parents=[common], help="every correction made, to a CSV file")
    p.add_argument("csv")
    p.set_defaults(handler=cmd_corrections_export)
    p = csub.add_parser(
        "import", parents=[common], help="import a corrections CSV (all rows or none) and rescore"
    )
    p.add_argument("csv")
    p.add_argument("--ticker", default=ticker, type=_ticker_arg)
    p.set_defaults(handler=cmd_corrections_import)

    prices = sub.add_parser("prices", parents=[common], help="import, fetch or list daily prices")
    psub = prices.add_subparsers(dest="prices_command", metavar="ACTION")
    p = psub.add_parser("import", parents=[common], help="import a price CSV (Yahoo, akshare or date,close)")
    p.add_argument("csv")
    p.add_argument("--ticker", required=True, type=_ticker_arg)
    p.add_argument("--accept-level", action="store_true",
                   help="import even when the level does not fit the stored series (another currency or unit)")  # fmt: skip
    p.set_defaults(handler=cmd_prices_import)
    p = psub.add_parser("undo", parents=[common], help="revert the last price import (or --batch N)")
    p.add_argument("--ticker", help="the last import of this ticker (default: the last of any)")
    p.add_argument("--batch", type=int, help="the batch id to revert (see `prices batches`)")
    p.set_defaults(handler=cmd_prices_undo)
    p = psub.add_parser("batches", parents=[common], help="the last price imports, newest first")
    p.add_argument("--ticker")
    p.set_defaults(handler=cmd_prices_batches)
    p = psub.add_parser("fetch", parents=[common], help="fetch prices online with yfinance (extra [online])")
    p.add_argument("--ticker", required=True, type=_ticker_arg)
    p.add_argument("--start", type=date.fromisoformat)
    p.add_argument("--end", type=date.fromisoformat)
    p.set_defaults(handler=cmd_prices_fetch)
    p = psub.add_parser("stats", parents=[common], help="rows and date range per ticker")
    p.set_defaults(handler=cmd_prices_stats)

    p = sub.add_parser("classify", parents=[common],
                       help='score JSON lines {"id":..,"text":..} from stdin; no database needed')  # fmt: skip
    p.add_argument("--ticker", default=ticker, type=_ticker_arg)
    p.add_argument("--no-snownlp", action="store_true")
    p.add_argument("--scorer", choices=SCORER_CHOICES, default="learned")
    p.set_defaults(handler=cmd_classify)

    p = sub.add_parser("train", parents=[common], help="rebuild the tone model from data/training/")
    p.add_argument(
        "--out", type=Path, help="folder for tone.npz, metrics.json and README.md (default: data/models)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--with-corrections", action="store_true",
                   help="also learn from the analyst's corrections in the database (--db)")  # fmt: skip
    p.set_defaults(handler=cmd_train)

    p = sub.add_parser("eval", parents=[common], help="measure the scorers against labelled data")
    p.add_argument("--sentences", type=Path, help="sentences CSV (id,file,text,label,frame,rationale)")
    p.add_argument("--articles", type=Path, help="articles CSV (file,...,stance,frames)")
    p.add_argument("--articles-dir", type=Path, help="folder the articles CSV's files are relative to")
    p.add_argument("--format", choices=["text", "json"], default="text", dest="output")
    p.set_defaults(handler=cmd_eval)

    p = sub.add_parser(
        "report", parents=[common], help="the narrative in brief: shifts, lead/lag, event study"
    )
    p.add_argument("--ticker", default=ticker, type=_ticker_arg)
    p.add_argument("--from", dest="date_from", type=date.fromisoformat)
    p.add_argument("--to", dest="date_to", type=date.fromisoformat)
    p.add_argument("--source", nargs="+", dest="sources")
    p.add_argument("--format", choices=["text", "json"], default="text", dest="output")
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("dashboard", parents=[common],
                       help="serve the dashboard (Streamlit); builds the database first when missing")  # fmt: skip
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1",
                   help="interface to serve on (default: this machine only; 0.0.0.0 exposes it to the network)")  # fmt: skip
    p.set_defaults(handler=cmd_dashboard)

    p = sub.add_parser(
        "bench", parents=[common], help="benchmark on a synthetic corpus, from a clone (writes bench/out/)"
    )
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--quick", action="store_true", help="2,000 articles: a smoke test")
    p.add_argument("--no-snownlp", action="store_true")
    p.set_defaults(handler=cmd_bench)
    live_commands.add_parsers(
        sub, common, ticker
    )  # fetch, update, alerts, emerging (analysis/live/commands.py)
    add_lake_parsers(sub, common, ticker, SCORER_CHOICES)
    return parser


def _ticker_arg(value: str) -> str:
    """--ticker as argparse checks it: junk (spaces, quotes, control characters) is refused before anything runs."""
    from analysis.companies import check_ticker

    try:
        return check_ticker(value)
    except InputError as exc:
        raise argparse.ArgumentTypeError(f"{printable(value)!s}: {exc.reason}") from None


def _workers_arg(value: str) -> int:
    """--workers: a whole number from 1 to the cores (more processes than cores only compete for them)."""
    cores = os.cpu_count() or 1
    try:
        workers = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{printable(value)}: not a whole number") from None
    if not 1 <= workers <= cores:
        raise argparse.ArgumentTypeError(
            f"{workers}: must be between 1 and {cores} (the cores of this machine)"
        )
    return workers


def _store(args):
    from analysis.store import Store, resolve_db_path

    return Store(resolve_db_path(getattr(args, "db", None)))


def _progress_printer(label: str):
    """A one-line progress bar on a terminal, a line every 10% elsewhere."""
    from analysis.progress import Eta

    tty = sys.stderr.isatty()
    state = {"last": -1, "t0": time.perf_counter()}
    eta = Eta()

    def show(done: int, total: int, message: str) -> None:
        left = eta.update(done, total)
        if total <= 0:
            return
        pct = int(100 * done / total)
        if tty:
            bar = "#" * (pct // 4)
            tail = f" ~{left:.0f}s left " if left else "          "
            print(f"\r{label} [{bar:<25}] {done}/{total}{tail}", end="", file=sys.stderr, flush=True)
            if done >= total:
                print(file=sys.stderr)
        elif pct // 10 != state["last"] // 10 or (done >= total and state["last"] != pct):
            state["last"] = pct
            print(f"{label}: {done}/{total} ({pct}%)", file=sys.stderr, flush=True)

    return show


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def cmd_setup(args) -> int:
    from analysis.bundled import setup

    report = setup(_store(args), progress=_progress_printer("setup"), use_snownlp=not args.no_snownlp)
    ingest = report.get("ingest")
    if ingest:
        print(f"ingested {ingest['added']} articles from {ingest['files']} files")
        for line in ingest["problems"]:
            print(f"  rejected: {printable(line)}")
    if report["prices_loaded"]:
        print(f"loaded bundled prices: {', '.join(report['prices_loaded'])}")
    if "score" in report:
        score = report["score"]
        print(f"scoring run {score['run_id']}: scored {score['scored']} of {score['articles']} articles "
              f"in {score['seconds']:.1f}s")  # fmt: skip
    if "score_error" in report:
        print(f"scoring: {printable(report['score_error'])}")
    print(f"database: {printable(report['db'])}")
    return EXIT_OK


def cmd_ingest(args) -> int:
    from analysis.ingest.commands import link_line
    from analysis.ingest.run import ingest_paths

    missing = [p for p in args.paths if not Path(p).exists()]
    for path in missing:
        print(f"error: {printable(path)}: no such file or folder", file=sys.stderr)
    present = [p for p in args.paths if Path(p).exists()]
    summary = ingest_paths(_store(args), present, workers=args.workers, update=args.update)
    if args.output == "json":
        _print_json(summary.as_dict() | {"missing": missing})
    else:
        for problem in summary.problems:
            print(f"rejected: {printable(problem)}", file=sys.stderr)
        for warning in summary.warnings:
            print(f"warning: {printable(warning)}", file=sys.stderr)
        for link in summary.links:
            print(f"linked: {printable(link_line(link))}", file=sys.stderr)
        for skipped in summary.skipped:
            print(f"skipped: {printable(skipped)}", file=sys.stderr)
        line = f"{summary.files} files: {len(summary.added)} articles added"
        if summary.already_stored:
            line += f", {len(summary.already_stored)} already stored (nothing added for them)"
        if summary.near_duplicates:
            line += f", {summary.near_duplicates} linked as near-duplicates"
        if summary.copies:
            line += f", {len(summary.copies)} kept as copies of stored texts"
        if summary.updated:
            line += f", {len(summary.updated)} updated"
        if summary.problems:
            line += f", {len(summary.problems)} rejected"
        if summary.skipped:
            line += f", {len(summary.skipped)} skipped (named above)"
        print(line)
    if summary.added or summary.already_stored or summary.updated:
        return EXIT_OK
    return EXIT_NOTHING_DONE


def cmd_score(args) -> int:
    from analysis.scoring.run import score_store

    summary = score_store(
        _store(args), ticker=args.ticker, force=args.force, workers=args.workers,
        use_snownlp=not args.no_snownlp, progress=_progress_printer("scoring"), scorer=args.scorer,
    )  # fmt: skip
    if args.output == "json":
        _print_json(summary.as_dict())
        return EXIT_OK
    run = summary.run
    if run is None:  # no run was opened: say why instead of failing on it
        print(f"nothing scored: {summary.skipped_reason or 'no scoring run'}")
        return EXIT_NOTHING_DONE
    print(f"run {run.run_id} ({run.scorer} {run.version}, config {run.config_hash[:12]}): "
          f"scored {summary.scored} articles, {summary.total_articles - summary.scored} unchanged, "
          f"in {summary.seconds:.1f}s")  # fmt: skip
    return EXIT_OK


def cmd_stats(args) -> int:
    stats = _store(args).stats(ticker=args.ticker)
    if args.output == "json":
        _print_json(stats)
        return EXIT_OK
    print(f"database: {printable(stats['db'])} (schema {stats['schema_version']})")
    print(f"articles: {stats['articles']} ({stats['duplicates']} near-duplicates)")
    print("  by language: " + ", ".join(f"{k} {v}" for k, v in stats["by_language"].items()))
    print("  by date basis: " + ", ".join(f"{k} {v}" for k, v in stats["by_published_basis"].items()))
    for row in stats["prices"]:
        print(f"prices {row['ticker']}: {row['rows']} days {row['first']}..{row['last']}, last close "
              f"{row['last_close']}")  # fmt: skip
    run = stats["current_run"]
    if run:
        finished = f"{run['finished_at']:%Y-%m-%d %H:%M:%S}"
        print(f"current run: {run['run_id']} ({run['scorer']} {run['version']}), finished {finished}, "
              f"articles scored {run['n_scored']} (reused {run['n_reused']})")  # fmt: skip
    else:
        print("current run: none (run `python -m analysis score`)")
    return EXIT_OK


def cmd_runs(args) -> int:
    for run in _store(args).runs(args.limit):
        seconds = f"{run.seconds:.1f}s" if run.seconds is not None else "-"
        print(f"{run.run_id:>4} {run.status:<9} {run.ticker:<8} {run.scorer} {run.version} "
              f"{run.started_at:%Y-%m-%d %H:%M:%S} scored={run.n_scored} {seconds} {printable(run.message or '')}")  # fmt: skip
    return EXIT_OK


EXPORT_COLUMNS = ["id", "path", "title", "source", "published", "published_basis", "language", "duplicate_of",
                  "tone", "label", "frames"]  # fmt: skip


def cmd_export(args) -> int:
    from analysis.csv_guard import guard_frame

    frame = _store(args).export_frame(ticker=args.ticker)
    columns = EXPORT_COLUMNS + [c for c in frame.columns if c not in EXPORT_COLUMNS]
    frame = frame[columns]
    with _output(args.out) as out:
        if args.format == "csv":
            guard_frame(frame).to_csv(out, index=False)  # spreadsheet formulas defused (analysis.csv_guard)
        else:
            frame.to_json(out, orient="records", lines=True, force_ascii=False, date_format="iso")
    if args.out:
        print(f"wrote {len(frame)} articles to {printable(args.out)}", file=sys.stderr)
    return EXIT_OK


@contextmanager
def _output(path: str | None):
    """Standard output, or the file --out names; a file that cannot be written is one InputError naming it."""
    if not path:
        yield sys.stdout
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as out:
            yield out
    except OSError as exc:
        raise InputError(f"cannot write the file ({exc.strerror or exc})", path=path) from None


def cmd_corrections_list(args) -> int:
    from analysis.corrections import as_dict

    store = _store(args)
    in_force = {(c.target, c.created_at, c.new) for c in store.corrections()}
    rows = [as_dict(c) | {"in_force": (c.target, c.created_at, c.new) in in_force}
            for c in store.corrections(history=args.all)]  # fmt: skip
    if args.output == "json":
        _print_json(rows)
        return EXIT_OK
    for row in rows:
        span = "article" if row["start"] is None else f"{row['start']}-{row['end']}"
        print(f"{row['created_at'][:19]} {row['article_id']} {span:<11} {row['field']:<6} "
              f"{row['old'] or '-'} -> {row['new']}{'' if row['in_force'] else ' (replaced)'}")  # fmt: skip
    if not rows:
        print("no corrections")
    return EXIT_OK


def cmd_corrections_export(args) -> int:
    from analysis.corrections import export_corrections

    try:
        count = export_corrections(_store(args), args.csv)
    except OSError as exc:
        raise InputError(f"cannot write the file ({exc.strerror or exc})", path=args.csv) from None
    print(f"wrote {count} corrections to {printable(args.csv)}", file=sys.stderr)
    return EXIT_OK


def cmd_corrections_import(args) -> int:
    from analysis.corrections import import_corrections

    added, stored = import_corrections(_store(args), args.csv, ticker=args.ticker)
    print(f"imported {added} corrections from {printable(args.csv)}, {stored} already stored")
    return EXIT_OK


def cmd_prices_import(args) -> int:
    from analysis.price_import import import_price_path

    done = import_price_path(_store(args), Path(args.csv), ticker=args.ticker, accept_level=args.accept_level)
    for warning in done.warnings:
        print(f"warning: {printable(warning)}", file=sys.stderr)
    print(f"imported {done.rows} days of {args.ticker} from {printable(args.csv)} (batch {done.batch_id}; "
          "`prices undo` reverts it)")  # fmt: skip
    return EXIT_OK


def cmd_prices_undo(args) -> int:
    from analysis.price_import import undo_price_import

    print(undo_price_import(_store(args), ticker=args.ticker, batch_id=args.batch))
    return EXIT_OK


def cmd_prices_batches(args) -> int:
    for batch in _store(args).price_batches(ticker=args.ticker):
        state = f"undone {batch['undone_at']:%Y-%m-%d %H:%M}" if batch["undone_at"] else "live"
        level = " (level accepted)" if batch["level_accepted"] else ""
        print(f"{batch['batch_id']:>4} {batch['ticker']:<10} {batch['n_rows']:>6} days "
              f"{batch['imported_at']:%Y-%m-%d %H:%M} {batch['source']} {state}{level}")  # fmt: skip
    return EXIT_OK


def cmd_prices_fetch(args) -> int:
    from analysis.prices import fetch_prices

    frame = fetch_prices(args.ticker, start=args.start, end=args.end)
    _, rows = _store(args).import_prices(args.ticker, frame, source="yfinance")
    print(f"fetched {rows} days of {args.ticker}")
    return EXIT_OK


def cmd_prices_stats(args) -> int:
    for row in _store(args).price_stats():
        print(
            f"{row['ticker']}: {row['rows']} days {row['first']}..{row['last']}, last close {row['last_close']}"
        )
    return EXIT_OK


def cmd_classify(args) -> int:
    from analysis.scoring import load_scorer
    from analysis.scoring.classify import classify_lines

    scorer = load_scorer(ticker=args.ticker, use_snownlp=not args.no_snownlp, scorer=args.scorer)
    for result in classify_lines(sys.stdin, scorer):
        sys.stdout.write(_json_line(result) + "\n")
    sys.stdout.flush()
    return EXIT_OK


def _json_line(data: dict) -> str:
    """Readable UTF-8 JSON; escaped when the input held lone surrogates that UTF-8 cannot carry."""
    line = json.dumps(data, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(data, ensure_ascii=True)
    return line


def cmd_eval(args) -> int:
    from analysis.evaluation.scorer import evaluate_articles, evaluate_sentences, format_eval_text
    from analysis.scoring import load_scorer

    if not args.sentences and not args.articles:
        print("error: give --sentences CSV and/or --articles CSV --articles-dir DIR", file=sys.stderr)
        return EXIT_ERROR
    scorer = load_scorer()
    others = {"lexicon": load_scorer(scorer="lexicon")}
    result: dict = {}
    if args.sentences:
        result["sentences"] = evaluate_sentences(args.sentences, scorer, compare=others)
    if args.articles:
        articles_dir = args.articles_dir or args.articles.parent
        result["articles"] = evaluate_articles(
            args.articles, articles_dir, scorer, prepare=_prepare_with_ingest, compare=others
        )
        from analysis.evaluation.metadata import evaluate_metadata

        result["metadata"] = evaluate_metadata(args.articles, articles_dir)
    if args.output == "json":
        _print_json(result)
    else:
        print(format_eval_text(result))
        if "metadata" in result:
            meta = result["metadata"]
            print(f"\nMetadata (ingest): stated dates recovered exactly {meta['dates_exact']}/{meta['dates_stated']} "
                  f"({meta['date_accuracy']:.3f}); languages right {meta['languages_right']}/{meta['languages']} "
                  f"({meta['language_accuracy']:.3f})")  # fmt: skip
    return EXIT_OK


def cmd_train(args) -> int:
    from analysis.scoring.training_run import train_model

    corrections = _store(args) if args.with_corrections else None
    summary = train_model(out_dir=args.out, seed=args.seed, corrections=corrections,
                          progress=_progress_printer("training"))  # fmt: skip
    print(f"model {summary['digest']}: {summary['rows']} training rows, {summary['features']} features, "
          f"cross-validated macro-F1 {summary['cv_macro_f1']:.3f} (zh {summary['cv_by_language']['zh']['macro_f1']:.3f}, "
          f"en {summary['cv_by_language']['en']['macro_f1']:.3f}), ECE {summary['calibration']['ece']:.3f}, "
          f"{summary['corrections_used']} corrections learned; "
          f"written to {summary['out']}")  # fmt: skip
    return EXIT_OK


def _prepare_with_ingest(raw: str) -> tuple[str, str, str]:
    """Clean an evaluation article the way ingest cleans a real one."""
    from analysis.ingest import ingest_record

    article = ingest_record(raw, path="<eval>", fmt="txt")
    return article.text, article.text_simplified, article.language


def cmd_report(args) -> int:
    from analysis.report import build_report, format_report_text
    from analysis.store import ArticleFilter

    filters = ArticleFilter(ticker=args.ticker, date_from=args.date_from, date_to=args.date_to,
                            sources=tuple(args.sources) if args.sources else None)  # fmt: skip
    report = build_report(_store(args), filters)
    if args.output == "json":
        _print_json(report)
    else:
        print("\n".join(printable(line) for line in format_report_text(report).split("\n")))
    return EXIT_OK


def cmd_dashboard(args) -> int:
    """Serve the dashboard on the database (passed as NARRATIVE_DB), built from the bundled data if new."""
    from analysis.serve import dashboard_command
    from analysis.store import resolve_db_path

    db = resolve_db_path(getattr(args, "db", None)).resolve()
    if not db.exists():
        print(f"building {printable(db)} from the bundled data (first start)", file=sys.stderr)
        cmd_setup(argparse.Namespace(db=str(db), no_snownlp=False))
    command = dashboard_command(port=args.port, address=args.address)
    print(f"dashboard on http://{args.address}:{args.port} (database {printable(db)})", file=sys.stderr)
    env = os.environ | {"NARRATIVE_DB": str(db)}
    if os.name == "posix":
        # The server replaces this process, so a service manager's SIGTERM or Ctrl-C reaches it (a child
        # would be left running when only this process is stopped).
        sys.stderr.flush()
        os.execve(command[0], command, env)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return EXIT_OK


def cmd_bench(args) -> int:
    try:
        from bench import run_benchmark
    except ImportError:
        raise ConfigError(
            "the benchmark is not installed with the package: run `make bench` in a clone"
        ) from None

    n = 2_000 if args.quick else args.articles
    results = run_benchmark(n_articles=n, quick=args.quick, use_snownlp=not args.no_snownlp)
    _print_json(results)
    return EXIT_OK
