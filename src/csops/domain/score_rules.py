"""The rule engine of the score: each rule of rules/scoring.yaml takes its events, keeps one
a day, converts, lets some go free, charges the rest and applies its thresholds."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from csops.domain.money import fen_to_yuan, money_str
from csops.domain.phrases import Phrases
from csops.domain.score_base import (
    EVIDENCE_COLUMNS,
    _count_text,
    _fmt,
    map_unique,
)
from csops.rules.scoring import ScoringRule, ScoringRules


def apply_rules(events: pd.DataFrame, scoring: ScoringRules, text: Phrases) -> pd.DataFrame:
    """Evidence: one row per event a rule takes, with its marginal points and yuan."""
    incoming: dict[str, list[pd.DataFrame]] = defaultdict(list)
    labels = {r.id: r.text(text.lang) for r in scoring.rules}
    out = []
    for order, rule in enumerate(scoring.rules):
        own = events[events["event"].isin(rule.events)]
        priority = {event: i for i, event in enumerate(rule.events)}
        own = own.assign(_priority=own["event"].map(priority).astype("float64"))
        parts = [own, *incoming.pop(rule.id, [])]
        pool = pd.concat(parts, ignore_index=True) if len(parts) > 1 else own
        if pool.empty:
            continue
        pool = pool.assign(_priority=pool["_priority"].fillna(len(rule.events)))
        if rule.once_per_day:
            pool = pool.sort_values(["_staff", "date", "_priority", "time", "_row"], kind="stable")
            pool = pool.drop_duplicates(["_staff", "date"])
        for conversion in rule.convert:
            moved = (pool["minutes"] > conversion.over_minutes).fillna(False).astype(bool)
            if moved.any():
                taken = pool[moved].copy()
                taken["seen"] = taken["seen"] + _fmt(
                    text["converted"],
                    taken.index,
                    over=conversion.over_minutes,
                    target=labels[conversion.to],
                )
                taken["_priority"] = np.nan
                incoming[conversion.to].append(taken)
                pool = pool[~moved]
        if pool.empty:
            continue
        pool = pool.sort_values(["_staff", "time", "_row"], kind="stable", ignore_index=True)
        scored = _charge(pool, rule, text)
        scored["rule"] = rule.id
        scored["_order"] = order
        out.append(scored)
    if not out:
        empty = pd.DataFrame(columns=[c for c in EVIDENCE_COLUMNS if c != "name"])
        # Typed like a non-empty one: to_document formats `date` with .dt (a month in
        # which nobody lost a point must still report).
        types = {"points": "float64", "yuan_fen": "int64", "row": "int64"}
        return empty.astype({**types, "date": "datetime64[us]"}).assign(
            free=pd.Series(dtype=bool),
            charged=pd.Series(dtype=bool),
            charged_days=pd.Series(dtype="float64"),
        )
    evidence = pd.concat(out, ignore_index=True)
    evidence = evidence.sort_values(["_staff", "_order", "time", "_row"], kind="stable")
    evidence = evidence.rename(columns={"_file": "file", "_row": "row"}).reset_index(drop=True)
    evidence["yuan"] = map_unique(evidence["yuan_fen"], fen_to_yuan)
    return evidence


def _group_cumsum(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Running sums restarting at each group's first row (rows sorted by group)."""
    total = np.cumsum(values)
    starts = np.maximum.accumulate(np.where(first, np.arange(len(values)), 0))
    return total - (total[starts] - values[starts])


def _group_diff(total: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Each row's increase over the previous row of its group (the first: itself)."""
    previous = np.concatenate([np.zeros(1, dtype=total.dtype), total[:-1]])
    previous[first] = 0
    return total - previous


def _texts(values: np.ndarray, func: Any) -> np.ndarray:
    """`func` applied once per distinct value, as an object array of str."""
    unique, inverse = np.unique(values, return_inverse=True)
    return np.array([func(v) for v in unique.tolist()] + [""], dtype=object)[inverse]


def _steps(
    k: np.ndarray, running: np.ndarray, steps: list[tuple[int, Any]], dtype: str
) -> np.ndarray:
    """Running totals where a reached threshold replaces the per-event sum."""
    if not steps:
        return running
    counts = np.array([c for c, _ in steps])
    values = np.array([v for _, v in steps], dtype=dtype)
    step = np.searchsorted(counts, k, side="right") - 1
    return np.where(step >= 0, values[step.clip(min=0)], running)


def _charge(pool: pd.DataFrame, rule: ScoringRule, text: Phrases) -> pd.DataFrame:
    """Free allowance, per-event points, thresholds and yuan over one rule's events
    (sorted by staff member, then time)."""
    staff = pool["_staff"].to_numpy()
    first = np.concatenate([[True], staff[1:] != staff[:-1]])
    minutes = pool["minutes"].to_numpy(dtype="float64", na_value=np.nan)
    if rule.free_within_minutes is not None:
        eligible = ~(minutes > rule.free_within_minutes)  # no duration: eligible
    else:
        eligible = np.ones(len(pool), dtype=bool)
    quantity = pool["quantity"].to_numpy(dtype="float64", na_value=1.0)
    if (quantity == 1).all():
        eligible_n: np.ndarray = _group_cumsum(eligible.astype("int64"), first)
        free = eligible & (eligible_n <= rule.free_per_month)
        charged_q = (~free).astype("float64")
    else:
        # Half days: the allowance is used up by their parts, and a day that straddles it
        # is charged for the part beyond.
        taken = np.where(eligible, quantity, 0.0)
        eligible_n = _group_cumsum(taken, first)
        left = np.clip(rule.free_per_month - (eligible_n - taken), 0, quantity)
        free_q = np.where(eligible, left, 0.0)
        charged_q = quantity - free_q
        free = charged_q <= 1e-9
    charged = ~free
    # Thresholds count charged days: three half days are one and a half.
    k = _group_cumsum(charged_q, first)

    if rule.points == "from_sheet":
        each = -np.abs(pool["sheet_points"].to_numpy(dtype="float64", na_value=np.nan))
    else:
        each = np.full(len(pool), float(rule.points))
    running = _group_cumsum(np.where(charged, each * charged_q, 0.0), first)
    point_steps = [(t.count, t.points) for t in rule.thresholds if t.points is not None]
    points = _group_diff(_steps(k, running, point_steps, "float64"), first).round(6)

    yuan_each = int(rule.yuan * 100) if rule.yuan is not None else 0
    running_fen = _group_cumsum(
        np.where(charged, np.round(yuan_each * charged_q), 0).astype("int64"), first
    )
    yuan_steps = [(t.count, int(t.yuan * 100)) for t in rule.thresholds if t.yuan is not None]
    yuan_fen = _group_diff(_steps(k, running_fen, yuan_steps, "int64"), first)

    # What the rule made of each event, appended to what was seen.
    free_key = "free_within" if rule.free_within_minutes is not None else "free"
    free_text = text[free_key].format(
        n="\0", free=rule.free_per_month, within=rule.free_within_minutes
    )
    before, after = free_text.split("\0")
    free_text_rows = before + _texts(eligible_n, _count_text) + after
    before, after = text["charged"].split("{k}")
    if rule.free_per_month:
        # The ordinal among the events that could be free: "#5, beyond the 4 free".
        beyond = text["beyond"].format(free=rule.free_per_month)
        step_text = before + _texts(eligible_n, _count_text) + after + beyond
        if rule.free_within_minutes is not None:
            never = text["never_free"].format(within=rule.free_within_minutes)
            step_text = np.where(eligible, step_text, never)
    else:
        step_text = before + _texts(k, _count_text) + after
    if rule.thresholds:
        reached = np.full(len(pool), "", dtype=object)
        for t in rule.thresholds:
            total_text = ", ".join(
                ([text.points(float(t.points))] if t.points is not None else [])
                + ([f"¥{money_str(t.yuan)}"] if t.yuan is not None else [])
            )
            hit = charged & (k >= t.count) & (k - charged_q < t.count)  # reached here
            reached[hit] = text["threshold"].format(count=t.count, total=total_text)
        step_text = step_text + reached
    amount_text = _texts(points, lambda v: text.points(float(v)))
    if rule.yuan is not None or yuan_steps:
        amount_text = amount_text + ", ¥" + _texts(yuan_fen, lambda v: money_str(fen_to_yuan(v)))
    charged_text = step_text + text["amount_sep"] + amount_text
    seen = pool["seen"].to_numpy(dtype=object)
    detail = seen + np.where(free, free_text_rows, charged_text)

    result = pool[["staff_id", "_staff", "event", "date", "time", "_file", "_row"]].copy()
    result["detail"] = pd.Series(detail, index=pool.index, dtype="object")
    result["points"] = points.astype("float64")
    result["yuan_fen"] = yuan_fen.astype("int64")
    result["free"] = free
    result["charged"] = charged
    result["charged_days"] = np.where(charged, charged_q, 0.0)
    return result
