"""Following a company live: update rounds (fetch, ingest, score, prices, alerts), on a schedule.

update.py (one round: run_update, parse_interval), schedule.py (`update --every`: run_every, StopFlag,
stop_on_signals), commands.py (the CLI). Nothing is imported here: the CLI registers its commands without
loading the store.
"""
