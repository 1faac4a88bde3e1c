"""`articles` commands: delete stored articles (with their scores and facts) on request."""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_NOTHING_DONE = 0, 1


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, ticker: str) -> None:
    """The `articles` command group."""
    group = sub.add_parser("articles", parents=[common], help="stored articles: delete")
    actions = group.add_subparsers(dest="articles_command", metavar="ACTION")
    p = actions.add_parser(
        "delete", parents=[common], help="delete articles by id, with their scores and facts"
    )
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(handler=cmd_articles_delete)


def link_line(link: dict) -> str:
    """One line saying what a new record was linked to (a copy) or what it replaced (a truncated copy)."""
    if link["kind"] == "completes":
        return f"{link['path']} ({link['id']}) completes the truncated article {link['replaces']}, which it replaces"
    where = ", ".join(str(v) for v in (link.get("source"), link.get("published")) if v) or "no outlet or date"
    return (
        f"{link['path']} ({link['id']}, {where}) is a copy of {link['copy_of']}: the same text, kept linked"
    )


def cmd_articles_delete(args: argparse.Namespace) -> int:
    from analysis.store import Store, resolve_db_path

    store = Store(resolve_db_path(getattr(args, "db", None)))
    deleted = store.delete_articles(args.ids)
    for missing in sorted(set(args.ids) - set(deleted)):
        print(f"error: {missing}: no such article", file=sys.stderr)
    print(f"deleted {len(deleted)} article(s) with their scores: {', '.join(deleted) or 'none'}")
    return EXIT_OK if deleted else EXIT_NOTHING_DONE
