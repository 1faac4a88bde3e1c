"""What the dashboard and `report` read: views over the store, KPIs, picks and exports.

Nothing here imports Streamlit, so every rule the page follows (what a KPI means, which articles a view holds,
what a download contains) is tested without a browser.
"""

from analysis.store.explore import SORTS
from analysis.store.filters import search_key
from analysis.views.article import read_article
from analysis.views.compare import compare_series, read_compare
from analysis.views.density import tone_groups
from analysis.views.export import articles_csv, filtered_articles_csv, import_price_upload, upload_rows
from analysis.views.kpis import (
    PRESETS,
    Kpis,
    chart_window,
    chosen,
    date_range_bounds,
    finance_vs_snownlp,
    kpis_from_cube,
    picked_article_ids,
    picker_ids,
    preset_range,
    prices_in_range,
)
from analysis.views.read import (
    DEFAULT_SORT,
    PAGE_ROWS,
    PICKER_ROWS,
    SAMPLE_POINTS,
    ViewData,
    read_aggregates,
    read_points,
    read_series,
    read_view,
    view_series,
)

__all__ = [
    "DEFAULT_SORT", "PAGE_ROWS", "PICKER_ROWS", "SORTS", "PRESETS", "SAMPLE_POINTS", "Kpis", "preset_range", "search_key", "ViewData", "articles_csv", "chart_window", "chosen", "compare_series", "read_compare",
    "date_range_bounds", "filtered_articles_csv", "finance_vs_snownlp", "import_price_upload", "kpis_from_cube",
    "picked_article_ids", "picker_ids", "prices_in_range", "read_aggregates", "read_article", "read_points",
    "read_series", "read_view", "tone_groups", "upload_rows", "view_series",
]  # fmt: skip
