"""collapse (one row per dedupe key) against the row-by-row definition in its docstring."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from xlreview.importers.base import collapse, key_text, key_texts


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or str(v) == ""


def reference(frame: pd.DataFrame, key: list[str]) -> list[dict]:
    """The docstring read literally, one group at a time in plain Python."""
    groups: dict[tuple, list[dict]] = {}
    for rec in frame.to_dict("records"):
        groups.setdefault(tuple(key_text(rec[k]) for k in key), []).append(rec)
    out = []
    for rows in groups.values():
        row = {}
        for c in frame.columns:
            vals = [r[c] for r in rows]
            if c == "_merge_cols":
                row[c] = ",".join(sorted({p for v in vals if not _blank(v) for p in str(v).split(",") if p}))
            elif c == "_can_add":
                row[c] = any(vals)
            elif c == "_lines":
                row[c] = ",".join(str(v) for v in vals)
            elif pd.api.types.is_numeric_dtype(frame[c]):
                present = [v for v in vals if not math.isnan(v)]
                row[c] = sum(present) if present else math.nan
            else:
                row[c] = next((v for v in vals if not _blank(v)), vals[0])
        out.append(row)
    return out


def _same(a, b) -> bool:
    if _blank(a) and _blank(b):
        return True
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    return a == b


ids = st.sampled_from(["A-1", "a-1 ", "Ａ-1", "B-2", "", None, 3.0, 3])
texts = st.sampled_from(["x", "", None, "y", "Z"])
row = st.tuples(ids, st.sampled_from(["Amazon US", "amazon us", "eBay"]), texts,
                st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
                st.sampled_from(["fee", "refund,fee", "", None]), st.booleans(),
                st.sampled_from([None, pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-02")]))


@settings(max_examples=150, deadline=None)
@given(st.lists(row, min_size=1, max_size=30))
def test_collapse_matches_the_row_by_row_definition(rows):
    frame = pd.DataFrame(rows, columns=["order_id", "channel", "note", "amount", "_merge_cols", "_can_add",
                                        "order_date"])
    frame["amount"] = frame["amount"].astype("float64")
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    frame["_lines"] = [str(i + 2) for i in range(len(frame))]
    got = collapse(frame, ["channel", "order_id"])
    want = reference(frame, ["channel", "order_id"])
    assert list(got.columns) == list(frame.columns)
    assert len(got) == len(want)
    for g, w in zip(got.to_dict("records"), want):
        for c in frame.columns:
            assert _same(g[c], w[c]), (c, g[c], w[c])


def test_key_texts_equals_key_text_on_every_kind_of_value():
    values = ["  Ａbc ", "ABC", 12.0, 12.5, 7, None, math.nan, pd.Timestamp("2026-01-02 13:00"),
              pd.Timestamp("2026-01-02").date(), "", np.float64(3.0)]
    assert list(key_texts(np.array(values, dtype=object))) == [key_text(v) for v in values]
