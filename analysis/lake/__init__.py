"""The same ingest and scoring over a Parquet lake, on Ray Data or in this process; read by the same dashboard.

A lake is a folder (a local path, or any pyarrow/fsspec URI such as s3://bucket/lake) of Parquet datasets
whose columns are the store's tables (analysis/store/schema.py), so `lake attach` can serve them to the
dashboard as DuckDB views without translation:

    articles/month=YYYY-MM/<ingest>-<task>.parquet   the store's `articles` columns plus `seq` (the article's
                                                     place in its ingest: file order, then row order), one
                                                     folder per month of publication (month=undated when the
                                                     article has no date), several files per month (one per
                                                     ingest task) so readers get many blocks
    article_scores/run=N/part-<k>.parquet            `article_scores` of run N, one file per scored batch
    sentence_scores/run=N/part-<k>.parquet           `sentence_scores` (text left empty, as in the store)
    frame_evidence/run=N/part-<k>.parquet            `frame_evidence`: the frame hits
    scoring_runs/run-N.parquet                       the run's `scoring_runs` row: written last, it commits
    scoring_runs/_running/run-N.json                 a run going (pid, host, heartbeat); gone once it ends

Files are written under a `.part` name and renamed once complete; readers only take `.parquet` files, and a
run's score files only once its scoring_runs row says 'finished' (so a killed run leaves the previous one
current). Articles are never rewritten: an ingest adds files, as the store adds rows.

Modules: layout.py (the lake's folders, schemas, reads and atomic writes), engine.py (local or Ray tasks and
map_batches), neardup.py (near-duplicate links by a join on fingerprint bands), ingest.py, score.py,
commands.py (the `lake` CLI group). The DuckDB side of `lake attach` is analysis/store/lake.py.
"""
