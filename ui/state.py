"""Cached reads and the background scoring job: the only places the shell touches the store.

Every cached function takes the database path and the current run id as arguments, so a new run (from this
page, another tab or the CLI) is a new cache key; nothing here keeps a DuckDB connection between runs.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import streamlit as st

from analysis.errors import NarrativeError, RunCancelledError, ScoringRunError
from analysis.ingest.run import IngestSummary, ingest_uploads
from analysis.progress import Eta
from analysis.scoring.run import ScoreSummary, score_store
from analysis.scoring.training_run import train_model
from analysis.store import ArticleFilter, Store
from analysis.views import DEFAULT_SORT, ViewData, read_article, read_compare, read_series, read_view
from ui.labels import t
from ui.markup import escape_markdown

CACHE = {"ttl": 600, "max_entries": 16, "show_spinner": False}
JOB_KEY = "scoring_job"
OUTCOME_KEY = "scoring_outcome"
UPLOAD_KEY = "upload_report"
RESET_DATES = "_reset_date_range"
ARTICLE_KEY = "article"
PICK_SEEN_KEY = "_main_chart_pick_seen"


@dataclass(frozen=True)
class View:
    """What the filters pick: the cache key of every derived read."""

    db: str
    ticker: str
    run_id: int | None
    date_from: date | None = None
    date_to: date | None = None
    sources: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    frames: tuple[str, ...] | None = None
    search: str | None = None
    outlets: tuple[int, int] = (0, 0)  # outlets.toml's version: an edited file names outlets anew

    @property
    def filters(self) -> ArticleFilter:
        return ArticleFilter(ticker=self.ticker, date_from=self.date_from, date_to=self.date_to,
                             sources=self.sources, languages=self.languages, frames=self.frames,
                             search=self.search)  # fmt: skip

    def key(self) -> tuple:
        return (self.db, self.ticker, self.run_id, self.date_from, self.date_to, self.sources, self.languages,
                self.frames, self.search, self.outlets)  # fmt: skip


def price_key(store: Store) -> tuple:
    """Per ticker (rows, first, last, last close): changes whenever prices are imported, so it keys the cache."""
    return tuple(
        (p["ticker"], p["rows"], str(p["first"]), str(p["last"]), p["last_close"])
        for p in store.price_stats()
    )


@st.cache_data(**CACHE)
def facets(db: str, ticker: str, run_id: int | None, n_articles: int, outlets: tuple = (0, 0)) -> dict:
    return Store(db).facets(ticker=ticker)


@st.cache_data(**CACHE)
def prices(db: str, version: tuple) -> pd.DataFrame:
    return Store(db).prices()


@st.cache_data(**CACHE)
def _view_data(key: tuple, freq: str, tone_field: str, page: int, sort: str) -> ViewData:
    view = View(*key)
    return read_view(Store(view.db), view.filters, freq=freq, tone_field=tone_field, page=page, sort=sort)


def view_data(view: View, *, freq: str, tone_field: str, page: int = 0, sort: str = DEFAULT_SORT) -> ViewData:
    """The view's sums, chart points, explorer page (in `sort`) and picker rows, read through one connection
    (cached)."""
    return _view_data(view.key(), freq, tone_field, page, sort)


@st.cache_data(**CACHE)
def _series(
    key: tuple, price_key: tuple, tone_field: str, freq: str, benchmark: str, market: bool, _data: ViewData
) -> dict:
    # _data is not hashed: it follows from (key, tone_field, freq), which are; price_key keys the prices it reads.
    view = View(*key)
    return read_series(
        Store(view.db),
        view.filters,
        _data,
        tone_field=tone_field,
        freq=freq,
        benchmark=benchmark,
        market=market,
    )


def series(
    view: View,
    price_key: tuple,
    data: ViewData,
    *,
    tone_field: str,
    freq: str,
    benchmark: str,
    market: bool = True,
) -> dict:
    """The KPIs and every narrative series the panels draw (cached by filters, run id, prices, tone field, period);
    `market=False` without lead/lag and the event study (pages that draw neither)."""
    return _series(view.key(), price_key, tone_field, freq, benchmark, market, data)


@st.cache_data(**CACHE)
def _article_row(key: tuple, article_id: str) -> pd.DataFrame:
    view = View(*key)
    return Store(view.db).article_page(view.filters, limit=1, article_id=article_id)


def article_row(view: View, article_id: str) -> pd.DataFrame:
    """The article's row if it is under the filters (empty otherwise): keeps an opened article in the picker."""
    return _article_row(view.key(), article_id)


@st.cache_data(**CACHE)
def article_detail(db: str, ticker: str, run_id: int | None, article_id: str) -> dict:
    """The opened article's text, score, sentences, evidence and checked prices (cached by run id)."""
    return read_article(Store(db), article_id, ticker=ticker)


@st.cache_data(**CACHE)
def _top_sentences(key: tuple, bullish: bool, limit: int) -> pd.DataFrame:
    view = View(*key)
    return Store(view.db).top_sentences(view.filters, limit=limit, bullish=bullish)


def top_sentences(view: View, *, bullish: bool, limit: int = 5) -> pd.DataFrame:
    """The most bullish (or bearish) sentences under the filters, with their articles (cached)."""
    return _top_sentences(view.key(), bullish, limit)


def scored_tickers(db: str) -> list[str]:
    """The tickers with current scores (not cached: one small read, and another ticker may be scored meanwhile)."""
    return Store(db).scored_tickers()


@st.cache_data(**CACHE)
def _compare(
    key: tuple, price_key: tuple, tickers: tuple[str, ...], tone_field: str, freq: str
) -> pd.DataFrame:
    view = View(*key)
    return read_compare(Store(view.db), view.filters, list(tickers), tone_field=tone_field, freq=freq)


def compare(
    view: View, price_key: tuple, tickers: tuple[str, ...], *, tone_field: str, freq: str
) -> pd.DataFrame:
    """Each chosen ticker's tone index and price, normalised, under the view's filters (cached)."""
    return _compare(view.key(), price_key, tickers, tone_field, freq)


def clear_caches() -> None:
    """After a run, an upload or a price import every cached read is stale."""
    st.cache_data.clear()


# -- scoring in the background -------------------------------------------------------------------------
@dataclass
class ScoringJob:
    """A scoring run on a worker thread; the page polls it, so a click elsewhere does not kill the run."""

    db: str
    ticker: str
    force: bool
    uploads: list[tuple[str, bytes]] = field(default_factory=list)
    retrain: bool = False  # retrain the tone model with the analyst's corrections first, then score
    use_snownlp: bool = True  # False leaves the slow snownlp signal out (most of a large run's time)
    trained: dict | None = None
    done: int = 0
    total: int = 0
    message: str = ""
    eta_seconds: float | None = None  # time left in the current phase, None until its rate is known
    ingest: IngestSummary | None = None
    summary: ScoreSummary | None = None
    error: BaseException | None = None
    thread: threading.Thread | None = None
    started: float = field(default_factory=time.monotonic)
    _cancel: threading.Event = field(default_factory=threading.Event)
    _eta: Eta = field(default_factory=Eta)

    def start(self) -> ScoringJob:
        self.thread = threading.Thread(target=self._work, name="narrative-scoring", daemon=True)
        self.thread.start()
        return self

    def _work(self) -> None:
        try:
            store = Store(self.db)
            if self.uploads:
                self.message = "ingesting uploads"
                self.ingest = ingest_uploads(store, self.uploads)
                self.uploads = []
                if not self.ingest.added:
                    return  # nothing new to score
            if self.retrain:
                self.trained = train_model(corrections=store, progress=self._progress)
                self._eta = Eta()  # scoring's rate is not training's
            if self._cancel.is_set():
                raise RunCancelledError("scoring cancelled; the previous run stays current")
            self.summary = score_store(
                store, ticker=self.ticker, force=self.force, use_snownlp=self.use_snownlp,
                progress=self._progress, cancel=self._cancel,
            )  # fmt: skip
        except BaseException as exc:  # handed to the page, which shows or re-raises it
            self.error = exc

    def _progress(self, done: int, total: int, message: str) -> None:
        self.done, self.total, self.message = done, total, message
        self.eta_seconds = self._eta.update(done, total)

    def cancel(self) -> None:
        """Ask the run to stop: it ends within a batch, marked cancelled; the previous run stays current."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0


def current_job() -> ScoringJob | None:
    return st.session_state.get(JOB_KEY)


def start_job(
    db: str,
    ticker: str,
    *,
    force: bool,
    uploads: list[tuple[str, bytes]] | None = None,
    retrain: bool = False,
    use_snownlp: bool = True,
) -> None:
    """Start a run unless this session already has one going (other sessions are refused by the store)."""
    job = current_job()
    if job is not None and job.alive:
        return
    st.session_state[JOB_KEY] = ScoringJob(
        db=db,
        ticker=ticker,
        force=force,
        uploads=list(uploads or []),
        retrain=retrain,
        use_snownlp=use_snownlp,
    ).start()


def follow_job(box, lang: str) -> None:
    """Show the running job's progress until it ends, then record its outcome and redraw the page once.

    Called last in the script, so the page (with the previous scores) is already drawn while the run goes.
    """
    job = current_job()
    if job is None:
        return
    if job.alive:
        with box, st.status(t("run_going", lang), expanded=True) as status:
            # A click reruns the script: the callback asks the job to stop, this loop then sees it end.
            st.button(t("cancel_run", lang), key="cancel_run", on_click=job.cancel, disabled=job.cancelled)
            bar = st.progress(job.fraction, text="…")
            while job.alive:
                bar.progress(job.fraction, text=_progress_text(job, lang))
                time.sleep(0.2)
            status.update(state="complete", expanded=False)
    st.session_state[JOB_KEY] = None
    if job.ingest is not None:
        st.session_state[UPLOAD_KEY] = job.ingest
        if job.ingest.added:
            st.session_state[RESET_DATES] = True
    error = job.error
    if error is not None and not isinstance(error, NarrativeError):
        raise error  # unexpected: Streamlit shows it, it is not swallowed
    if isinstance(error, RunCancelledError):
        st.session_state[OUTCOME_KEY] = ("info", t("run_cancelled", lang))
    elif isinstance(error, ScoringRunError):
        st.session_state[OUTCOME_KEY] = ("info", t("run_busy", lang, message=escape_markdown(error)))
    elif error is not None:
        st.session_state[OUTCOME_KEY] = ("error", t("run_failed", lang, message=escape_markdown(error)))
    elif job.summary is not None and job.summary.run is not None:
        run = job.summary.run
        st.session_state[OUTCOME_KEY] = ("success", t(
            "run_done", lang, run_id=run.run_id, scorer=escape_markdown(run.scorer),
            version=escape_markdown(run.version),
            scored=job.summary.scored, seconds=job.summary.seconds,
        ))  # fmt: skip
    clear_caches()
    st.rerun()


def _progress_text(job: ScoringJob, lang: str) -> str:
    """The job's message and, once its rate is known, the time left."""
    text = escape_markdown(job.message) or "…"
    if job.eta_seconds is not None:
        minutes, seconds = divmod(int(round(job.eta_seconds)), 60)
        text += " · " + t("run_eta", lang, eta=f"{minutes}:{seconds:02d}")
    return text
