"""CLI commands of live coverage: `fetch`, `update [--every]`, `alerts`, `emerging [--make-frame]`."""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_NOTHING_DONE = 0, 1


def add_parsers(sub, common: argparse.ArgumentParser, ticker: str) -> None:
    """Register the live-coverage subcommands on cli.build_parser's subparsers."""
    p = sub.add_parser(
        "fetch", parents=[common], help="fetch article pages, feeds or news sitemaps (each link once)"
    )
    p.add_argument("urls", nargs="+", metavar="URL")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument(
        "--feed", action="store_const", const="feed", dest="kind", help="the URLs are RSS/Atom feeds"
    )
    kind.add_argument("--sitemap", action="store_const", const="sitemap", dest="kind",
                      help="the URLs are news sitemaps (or sitemap indexes)")  # fmt: skip
    p.add_argument("--format", choices=["text", "json"], default="text", dest="output")
    p.set_defaults(handler=cmd_fetch, kind="page")

    p = sub.add_parser("update", parents=[common],
                       help="one round: fetch data/sources.toml, ingest, score, refresh prices, alerts")  # fmt: skip
    p.add_argument(
        "--every", metavar="INTERVAL", help="repeat in the foreground, e.g. 15m, 1h (stop: SIGTERM, Ctrl-C)"
    )
    p.add_argument("--ticker", default=ticker)
    p.add_argument("--no-snownlp", action="store_true", help="leave the slow snownlp signal out of scoring")
    p.add_argument("--no-prices", action="store_true", help="do not refresh prices online")
    p.add_argument("--format", choices=["text", "json"], default="text", dest="output")
    p.set_defaults(handler=cmd_update)

    p = sub.add_parser(
        "alerts", parents=[common], help="alerts fired (data/alerts.toml); --check evaluates now"
    )
    p.add_argument("--ticker", default=None, help="one company's alerts (default: all)")
    p.add_argument("--check", action="store_true", help="evaluate the rules and deliver pending alerts first")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--format", choices=["text", "json"], default="text", dest="output")
    p.set_defaults(handler=cmd_alerts)

    p = sub.add_parser("emerging", parents=[common],
                       help="emerging narratives: phrases rising sharply against their own history")  # fmt: skip
    p.add_argument("--ticker", default=ticker)
    p.add_argument("--recent-days", type=int, default=None, help="the recent window (default: 14 days)")
    p.add_argument(
        "--make-frame", metavar="PHRASE", help="add PHRASE as a new frame to frames.toml, then rescore"
    )
    p.add_argument("--name", help="the new frame's name (default: derived from the phrase)")
    p.add_argument("--polarity", choices=["bullish", "bearish", "context"], default="context")
    p.add_argument("--no-rescore", action="store_true", help="with --make-frame: leave rescoring for later")
    p.add_argument("--format", choices=["text", "json"], default="text", dest="output")
    p.set_defaults(handler=cmd_emerging)


def _store(args):
    from analysis.store import Store, resolve_db_path

    return Store(resolve_db_path(getattr(args, "db", None)))


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _report_lines(report) -> list[str]:
    head = f"{report.name}: " + (f"FAILED: {report.error}" if report.error else
           f"{report.listed} listed, {len(report.added)} added, {report.skipped_seen} seen before, "
           f"{report.already_stored} already stored, {report.near_duplicates} near-duplicates skipped"
           + (f", {report.off_topic} off-topic" if report.off_topic else "")
           + (f", {len(report.failed)} failed" if report.failed else ""))  # fmt: skip
    return (
        [head]
        + [f"  failed: {line}" for line in report.failed]
        + [f"  warning: {w}" for w in report.warnings]
    )


def cmd_fetch(args) -> int:
    from analysis.fetch import fetch_listings, fetch_urls

    store = _store(args)
    if args.kind == "page":
        reports = [fetch_urls(store, args.urls)]
    else:
        reports = fetch_listings(store, args.urls, kind=args.kind)
    if args.output == "json":
        _print_json([r.as_dict() for r in reports])
    else:
        for report in reports:
            for line in _report_lines(report):
                print(line, file=sys.stdout if not line.startswith("  ") else sys.stderr)
        if any(r.added for r in reports):
            print("run `python -m analysis score` (or `update`) to score the new articles")
    dealt = any(
        r.ok and (r.added or r.skipped_seen or r.already_stored or r.near_duplicates) for r in reports
    )
    return EXIT_OK if dealt else EXIT_NOTHING_DONE


def _print_round(summary, output: str) -> None:
    if output == "json":
        _print_json(summary.as_dict())
        return
    print(f"update round {summary.round_id}: {summary.status}, {summary.added} articles added")
    for report in summary.sources:
        for line in _report_lines(report):
            print(f"  {line}")
    if summary.scoring:
        s = summary.scoring
        scored = "scored {} (run {})".format(s.get("scored"), s.get("run_id"))
        print(f"  scoring: {s.get('error') or s.get('note') or scored}")
    if summary.prices:
        p = summary.prices
        refreshed = "{} days refreshed".format(p.get("rows", 0))
        print(f"  prices: {refreshed}" + (f"; {p['error']}" if p.get("error") else ""))
    if summary.alerts:
        a = summary.alerts
        if a.get("error"):
            print(f"  alerts: {a['error']}")
        else:
            print(f"  alerts: {a['new']} new, {a['delivered']} delivered")
            for line in a["new_alerts"]:
                print(f"    {line}")
            for line in a["delivery_failures"]:
                print(f"    delivery failed: {line}")
    for note in summary.notes:
        print(f"  note: {note}")
    sys.stdout.flush()


def cmd_update(args) -> int:
    from analysis.live.schedule import StopFlag, run_every, stop_on_signals
    from analysis.live.update import parse_interval, run_update

    store = _store(args)
    options = {"ticker": args.ticker, "use_snownlp": not args.no_snownlp, "prices": not args.no_prices}
    if not args.every:
        summary = run_update(store, **options)
        _print_round(summary, args.output)
        return EXIT_OK if summary.status == "finished" else EXIT_NOTHING_DONE
    interval = parse_interval(args.every)
    with stop_on_signals(StopFlag()) as stop:
        print(f"updating every {args.every} (stop with Ctrl-C or SIGTERM)", file=sys.stderr, flush=True)
        rounds = run_every(
            store, interval, stop=stop, on_round=lambda s: _print_round(s, args.output), **options
        )
    print(f"stopped after {len(rounds)} rounds", file=sys.stderr)
    return EXIT_OK if any(s.status == "finished" for s in rounds) else EXIT_NOTHING_DONE


def cmd_alerts(args) -> int:
    from analysis.alerts import deliver_pending, evaluate_alerts, load_alert_config

    store = _store(args)
    if args.check:
        config = load_alert_config()
        fired = evaluate_alerts(store, config, ticker=args.ticker)
        delivery = deliver_pending(store, config)
        print(f"{len(fired)} new alerts, {delivery['delivered']} delivered", file=sys.stderr)
        for line in delivery["delivery_failures"]:
            print(f"delivery failed: {line}", file=sys.stderr)
    alerts = store.live.alerts(ticker=args.ticker, limit=args.limit)
    if args.output == "json":
        _print_json([alert.as_dict() for alert in alerts])
        return EXIT_OK
    for alert in alerts:
        span = (
            str(alert.period_start)
            if alert.period_start == alert.period_end
            else f"{alert.period_start}..{alert.period_end}"
        )
        print(f"{span} {alert.ticker} {alert.message} [{len(alert.article_ids)} articles]")
    if not alerts:
        print("no alerts")
    return EXIT_OK


def cmd_emerging(args) -> int:
    from analysis.narrative.emerging import emerging_narratives, make_frame

    store = _store(args)
    if args.make_frame:
        result = make_frame(store, args.make_frame, name=args.name, polarity=args.polarity,
                            ticker=args.ticker, rescore=not args.no_rescore)  # fmt: skip
        if args.output == "json":
            _print_json(result)
        else:
            print(f"added frame {result['frame']} ({result['polarity']}) to {result['file']}"
                  + (f"; rescored {result['scored']} articles (run {result['run_id']})" if result.get("run_id") else ""))  # fmt: skip
        return EXIT_OK
    found = emerging_narratives(store, ticker=args.ticker, recent_days=args.recent_days)
    if args.output == "json":
        _print_json(found)
        return EXIT_OK
    for row in found:
        tone = "-" if row["tone"] is None else f"{row['tone']:+.2f}"
        print(f"{row['phrase']}: {row['recent_articles']} articles in the last {row['recent_days']} days "
              f"(before: {row['history_articles']}), {row['ratio']:.1f}x, tone {tone}")  # fmt: skip
    if not found:
        print("no emerging narratives")
    return EXIT_OK
