"""Pure helpers behind the dashboard: labels in two languages, KPIs, safe evidence markup, upload glue.

Nothing here imports Streamlit, so every rule the page follows (what a KPI means, how evidence is
highlighted, what an upload does) is tested without a browser.
"""

from analysis.dashboard.companies import BENCHMARK, COMPANIES_FILE, benchmark_for, check_ticker, load_tickers
from analysis.dashboard.labels import (
    BASIS_NAMES,
    LABEL_NAMES,
    LANGUAGE_NAMES,
    TEXT,
    UI_LANGS,
    basis_name,
    frame_name,
    label_name,
    language_name,
    t,
)
from analysis.dashboard.markup import escape_markdown, highlight_evidence
from analysis.dashboard.uploads import articles_csv, filtered_articles_csv, import_price_upload, upload_rows
from analysis.dashboard.viewdata import (
    PAGE_ROWS,
    PICKER_ROWS,
    SAMPLE_POINTS,
    ViewData,
    read_aggregates,
    read_points,
    read_view,
    view_series,
)
from analysis.dashboard.views import (
    EXPLORER_COLUMNS,
    Kpis,
    chart_window,
    chosen,
    compute_kpis,
    date_range_bounds,
    explorer_table,
    finance_vs_snownlp,
    kpis_from_cube,
    picked_article_ids,
    picker_ids,
    plot_articles,
    prices_in_range,
)

__all__ = [
    "BASIS_NAMES", "BENCHMARK", "COMPANIES_FILE", "EXPLORER_COLUMNS", "LABEL_NAMES", "LANGUAGE_NAMES", "PAGE_ROWS",
    "PICKER_ROWS", "SAMPLE_POINTS", "TEXT", "UI_LANGS", "Kpis", "ViewData", "articles_csv", "basis_name",
    "benchmark_for", "chart_window", "check_ticker", "chosen", "compute_kpis", "date_range_bounds", "escape_markdown",
    "explorer_table", "filtered_articles_csv", "finance_vs_snownlp", "frame_name", "highlight_evidence",
    "import_price_upload", "kpis_from_cube", "label_name", "language_name", "load_tickers", "picked_article_ids",
    "picker_ids", "plot_articles", "prices_in_range", "read_aggregates", "read_points", "read_view", "t",
    "upload_rows", "view_series",
]  # fmt: skip
