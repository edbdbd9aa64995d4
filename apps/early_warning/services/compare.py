"""Comparing two frameworks' watchlists: do they agree on who is of concern?"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from scipy.stats import spearmanr

from apps.early_warning.services.watchlist import compute_watchlist


def compare_frameworks(
    as_at: dt.date, first, second, *, include_notes: bool = False, top: int = 20
) -> dict:
    """Rank correlation (Spearman, over councils both could score), band cross-tabulation,
    the two top-N lists side by side and the councils whose rank moved most."""
    a = compute_watchlist(as_at, first, include_notes=include_notes)
    b = compute_watchlist(as_at, second, include_notes=include_notes)
    fa, fb = a.attrs["framework"], b.attrs["framework"]
    joined = a[["gss_code", "name", "rank", "score", "band"]].merge(
        b[["gss_code", "rank", "score", "band"]], on="gss_code", suffixes=("_a", "_b")
    )
    both = joined[joined["score_a"].notna() & joined["score_b"].notna()]
    rho = None
    if len(both) >= 3:
        value = spearmanr(both["rank_a"], both["rank_b"]).statistic
        rho = None if pd.isna(value) else float(value)
    crosstab = pd.crosstab(joined["band_a"], joined["band_b"])
    order_a = [x for x in fa.band_order if x in crosstab.index]
    order_b = [x for x in fb.band_order if x in crosstab.columns]
    crosstab = crosstab.reindex(index=order_a, columns=order_b, fill_value=0)
    top_n = round(len(both) * 0.1)  # among councils both frameworks could score
    in_top_a = set(both.nsmallest(top_n, "rank_a")["gss_code"]) if top_n else set()
    in_top_b = set(both.nsmallest(top_n, "rank_b")["gss_code"]) if top_n else set()
    both = both.copy()
    both["move"] = both["rank_b"] - both["rank_a"]
    movers = both.reindex(both["move"].abs().sort_values(ascending=False).index).head(10)
    return {
        "as_at": as_at,
        "a": fa,
        "b": fb,
        "councils": len(joined),
        "scored_by_both": len(both),
        "spearman": rho,
        "top_tenth": top_n,
        "top_tenth_overlap": len(in_top_a & in_top_b),
        "crosstab": crosstab,
        "side_by_side": list(
            zip(
                a.head(top).to_dict("records"),
                b.head(top).to_dict("records"),
                strict=False,
            )
        ),
        "movers": movers.to_dict("records"),
    }
