"""One period's figures, computed once: the model every command stands on.

`read_month` checks and reads, once, the exports a set of wanted figures needs and hands
them on as plain frames (`MonthData`); `compute` works the figures out of those frames in
dependency order — score → commission → chats → kpi → overdue, each only when wanted or
needed by a wanted one — and returns them as dataclasses (`Figures`). `csops score`,
`commission`, `chats`, `kpi`, `overdue-shipments`, `monthly` and `close` all call these
two; nothing else assembles a month. The dependencies:

- commission needs each staff member's score level when `level_multipliers` are set;
- the score needs the chat KPIs when a scoring rule counts chat events;
- the KPI scorecard reads the score, the commission and the chat KPIs of each month of
  its period, as far as its cards use them and the exports are there.

Reading is strict (every problem of the exports read is one InputError) and names the
command whose figure needs a missing export or column.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from csops.domain.chatlog import normalize_messages
from csops.domain.chats import ChatKpis, chat_kpis
from csops.domain.commission import CommissionResult, compute_commission, order_fields
from csops.domain.kpi import KpiResult, MonthFigures, check_levels, months_of, scorecard
from csops.domain.period import Month, Quarter
from csops.domain.privacy import mask_buyers
from csops.domain.qa import prepare_qa
from csops.domain.roster import Roster
from csops.domain.score_events import chat_events
from csops.domain.scoring import ScoreResult, score_frames
from csops.domain.shipments import ShippingList, UnpaidList, unpaid_orders, unshipped_orders
from csops.errors import InputError, files_lacking
from csops.ingest.discover import Inputs
from csops.report.evidence import phrases
from csops.report.labels import label
from csops.rules.chats import ChatRules
from csops.rules.commission import CommissionRules
from csops.rules.kpi import KpiRules
from csops.rules.loader import RuleSet
from csops.rules.scoring import CHAT_EVENTS, ScoringRules
from csops.rules.shipping import LevelName, ShippingRules
from csops.rules.vocab import IncidentKinds, ValueWords

Period = Month | Quarter
FIGURES = ("score", "commission", "chats", "kpi", "overdue")

# The exports a month-end run reads (leave, incidents and the spot checks may be absent).
MONTH_KINDS = ("roster", "attendance", "leave", "incidents", "chats", "orders", "qa")


@dataclass
class MonthData:
    """The exports of a period as plain frames, read and checked once. A frame is None when
    no export of its kind is among the inputs (and no wanted figure needs one)."""

    roster: Roster | None  # None only for the overdue list of a folder without a roster
    leave: pd.DataFrame  # zero rows when there is no export
    incidents: pd.DataFrame  # zero rows when there is no export
    attendance: pd.DataFrame | None = None
    orders: pd.DataFrame | None = None
    chats: pd.DataFrame | None = None
    qa: pd.DataFrame | None = None
    qa_headers: dict[str, str] | None = None  # field → the spot-check export's own header
    # What reading the folder noticed (rows repeated across export parts, files csops
    # wrote itself left unread): said in every figure's notes.
    notes: list[str] = field(default_factory=list)

    @property
    def staff(self) -> Roster:
        """The roster; every figure but the overdue list has one (`read_month` checks)."""
        assert self.roster is not None
        return self.roster


@dataclass
class Figures:
    """What `compute` worked out for a period; None where not wanted (nor needed)."""

    period: Period
    score: ScoreResult | None = None
    commission: CommissionResult | None = None
    chats: ChatKpis | None = None
    kpi: KpiResult | None = None
    overdue: ShippingList | None = None


# ---------------------------------------------------------------- what is needed


def _scoring_uses_chats(rules: RuleSet) -> bool:
    scoring = rules.get(ScoringRules)
    return any(e in CHAT_EVENTS for rule in scoring.rules for e in rule.events)


def needed(rules: RuleSet, wanted: Collection[str]) -> set[str]:
    """The figures to compute for `wanted`: the wanted ones and those they depend on
    (the KPI scorecard's own sources are taken only as far as the exports are there)."""
    unknown = set(wanted) - set(FIGURES)
    if unknown:
        raise ValueError(f"unknown figures: {sorted(unknown)}")
    out = set(wanted)
    if "commission" in out and rules.get(CommissionRules).level_multipliers:
        out.add("score")
    if "score" in out and _scoring_uses_chats(rules):
        out.add("chats")
    return out


def _kinds(rules: RuleSet, wanted: set[str]) -> list[str]:
    """The export kinds the figures read, in the order they are read."""
    crules = rules.get(CommissionRules)
    kinds = ["roster"]
    if "score" in wanted:
        kinds += ["attendance", "leave", "incidents"]
    if "commission" in wanted:
        kinds += ["orders", "incidents"] + (["chats"] if crules.uses_chats else [])
    if "chats" in wanted:
        kinds += ["chats", "orders"]
    if "kpi" in wanted:
        used = rules.get(KpiRules).sources()
        if "chats" in used:
            kinds += ["chats", "orders"]
        if "commission" in used:
            kinds += ["orders", "incidents"] + (["chats"] if crules.uses_chats else [])
        if "score" in used:
            kinds += ["attendance", "leave", "incidents"]
            if _scoring_uses_chats(rules):
                kinds += ["chats", "orders"]
        if "qa" in used:
            kinds.append("qa")
    if "overdue" in wanted:
        kinds.append("orders")
    return list(dict.fromkeys(kinds))


# ---------------------------------------------------------------- reading


def require_orders(
    inputs: Inputs, needed_fields: Sequence[str], decide_by: Sequence[str], command: str
) -> pd.DataFrame:
    """The orders frame with `needed_fields` and at least one of `decide_by`.

    Without any `decide_by` column (ship time or status; payment time or status) a
    shipped order cannot be told from an unshipped one: that is an InputError naming the
    headers the export does have, not an empty list."""
    frame = inputs.require("orders", needed_fields, command=command)
    if any(name in frame.columns for name in decide_by):
        return frame
    aliases = inputs.rules.columns.for_kind("orders")
    what = {"shipped_at": "a ship time", "status": "an order status", "paid_at": "a payment time"}
    decides = {"overdue-shipments": "still unshipped", "unpaid-orders": "still unpaid"}
    wanted = " nor ".join(
        f"{what[name]} column ({' / '.join(aliases.get(name, [name])[:3])})" for name in decide_by
    )
    order_files = [r for r in inputs.files if r.kind == "orders"]
    files = ", ".join(sorted({r.display for r in order_files}))
    headers = ", ".join(
        dict.fromkeys(h for r in order_files if r.source for h in r.source.headers if h)
    )
    raise InputError(
        f"{files}: neither {wanted} found, so {command} cannot tell which orders are "
        f"{decides.get(command, 'open')}; headers found: {headers[:300]}; export the orders "
        "with one of those columns, or add the file's own header to rules/columns.yaml "
        "under " + " or ".join(f"orders.{name}" for name in decide_by)
    )


def read_month(
    inputs: Inputs,
    wanted: Collection[str],
    *,
    command: str | None = None,
    overdue_command: str = "overdue-shipments",
) -> MonthData:
    """Read, once, the exports the `wanted` figures need, and check that each figure has
    its exports and columns. `command`: the command named in a message about a missing
    export or column (default: the figure's own command)."""
    rules = inputs.rules
    figures = needed(rules, wanted)
    inputs.load(_kinds(rules, figures))
    crules = rules.get(CommissionRules)

    def by(figure: str) -> str:
        return command or figure

    def present(kind: str) -> bool:
        return any(r.kind == kind for r in inputs.files)

    roster_fields = ["staff_id", "name"] if figures & {"commission", "kpi"} else []
    first = next(f for f in FIGURES if f in wanted)  # the figure the user asked for
    if figures == {"overdue"}:
        roster = Roster.from_frame(inputs.frame("roster")) if inputs.has("roster") else None
    else:
        roster = Roster.from_frame(inputs.require("roster", roster_fields, command=by(first)))
    data = MonthData(roster, leave=inputs.frame("leave"), incidents=inputs.frame("incidents"))
    if "score" in figures:
        data.attendance = inputs.require("attendance", ["date"], command=by(first))
    if "commission" in figures:
        data.orders = inputs.require("orders", order_fields(crules), command=by("commission"))
        if crules.uses_chats:
            data.chats = inputs.require("chats", command=by("commission"))
    if "chats" in figures:
        data.chats = inputs.require("chats", command=by(first))
        if present("orders"):
            data.orders = inputs.require("orders", ["buyer", "paid_at"], command=by(first))
    if "kpi" in figures:
        # The scorecard's sources, as far as their exports are there; what is there is
        # checked as the source's own command checks it.
        used = rules.get(KpiRules).sources()
        score_chats = "score" in used and present("attendance") and _scoring_uses_chats(rules)
        if ("chats" in used or score_chats) and present("chats"):
            data.chats = inputs.require("chats", command=by("kpi"))
            if present("orders"):
                data.orders = inputs.require("orders", ["buyer", "paid_at"], command=by("kpi"))
        if "commission" in used and present("orders"):
            data.orders = inputs.require("orders", order_fields(crules), command=by("kpi"))
            if crules.uses_chats and present("chats"):
                data.chats = inputs.require("chats", command=by("kpi"))
        if "score" in used and present("attendance"):
            data.attendance = inputs.require("attendance", ["date"], command=by("kpi"))
            if score_chats and not present("chats"):
                inputs.require("chats", command=by("kpi"))  # the score counts chat events
        if "qa" in used and present("qa"):
            data.qa = inputs.require("qa", command=by("kpi"))
            qa_file = next(r.source for r in inputs.files if r.kind == "qa" and r.source)
            if qa_file.match:
                data.qa_headers = {n: qa_file.headers[i] for n, i in qa_file.match.mapping.items()}
    if "overdue" in figures:
        data.orders = require_orders(
            inputs, ["paid_at"], ["shipped_at", "status"], command or overdue_command
        )
    data.notes = [*inputs.notes, *(roster.notes if roster is not None else [])]
    return data


# ---------------------------------------------------------------- computing


def figures_of(
    inputs: Inputs,
    period: Period,
    wanted: Collection[str],
    *,
    command: str | None = None,
    **options: Any,
) -> Figures:
    """`read_month`, then `compute`: a command's whole work on its figures."""
    data = read_month(inputs, wanted, command=command)
    return compute(data, inputs.rules, period, wanted, **options)


def compute(
    data: MonthData,
    rules: RuleSet,
    period: Period,
    wanted: Collection[str],
    *,
    previous_levels: Mapping[str, Sequence[str]] | None = None,
    as_of: pd.Timestamp | None = None,
    min_level: LevelName = "warning",
    strict: bool = False,
    lang: str = "en",
) -> Figures:
    """The `wanted` figures of `period` from `data` (see the module docstring).

    `previous_levels`: staff_id → the score levels of the closed months before the period,
    oldest first (a run of low months becomes the `serious` level). `as_of`: the moment
    of the overdue list (default: the end of the period)."""
    figures = needed(rules, wanted)
    out = Figures(period)
    if isinstance(period, Quarter):
        if figures - {"kpi"}:
            raise ValueError("a quarter has only a KPI scorecard")
        out.kpi = _kpi(data, rules, period, None, previous_levels, strict, lang)
        _add_reading_notes(out, data.notes)
        return out
    if "chats" in figures:
        out.chats = _chats(data, rules, period)
    if "score" in figures:
        out.score = _score(data, rules, period, out.chats, previous_levels, strict, lang)
    if "commission" in figures:
        out.commission = _commission(data, rules, period, out.score)
    if "kpi" in figures:
        out.kpi = _kpi(data, rules, period, out, previous_levels, strict, lang)
    if "overdue" in figures:
        assert data.orders is not None
        out.overdue = unshipped_orders(
            data.orders,
            rules.get(ShippingRules),
            period.end if as_of is None else as_of,
            roster=data.roster,
            min_level=min_level,
            mask=rules.settings.mask_buyers,
        )
        stale = export_age(data.orders, out.overdue.as_of, rules.settings.export_max_age_h, lang)
        if stale:
            out.overdue.notes.insert(0, stale)
    _add_reading_notes(out, data.notes)
    return out


def export_age(
    orders: pd.DataFrame | None, as_of: pd.Timestamp, max_age_h: float, lang: str
) -> str | None:
    """A warning when the orders export's newest order is more than `max_age_h` hours
    before `as_of` (a list of overdue orders from a month-old export is a month stale)."""
    if orders is None or len(orders) == 0:
        return None
    times = [orders[c] for c in ("created_at", "paid_at") if c in orders]
    if not times:
        return None
    newest = max((t.max() for t in times if t.notna().any()), default=None)
    if newest is None or pd.isna(newest):
        return None
    hours = (as_of - newest) / pd.Timedelta(hours=1)
    if hours <= max_age_h:
        return None
    return label("warn.old_export", lang).format(
        newest=f"{newest:%Y-%m-%d %H:%M}",
        as_of=f"{as_of:%Y-%m-%d %H:%M}",
        hours=f"{hours:,.0f}",
        limit=f"{max_age_h:g}",
    )


def _add_reading_notes(out: Figures, notes: list[str]) -> None:
    """The reading's notes first among each computed figure's own."""
    if not notes:
        return
    for said in (
        out.score.warnings if out.score else None,
        out.commission.notes if out.commission else None,
        out.chats.notes if out.chats else None,
        out.kpi.notes if out.kpi else None,
        out.overdue.notes if out.overdue else None,
    ):
        if said is not None:
            said[:0] = [n for n in notes if n not in said]


def _chats(data: MonthData, rules: RuleSet, month: Month) -> ChatKpis:
    assert data.chats is not None
    messages = normalize_messages(data.chats, data.staff, rules.get(ValueWords).chat_direction)
    settings = rules.settings
    kpis = chat_kpis(
        messages,
        data.orders,
        data.staff,
        month,
        rules.get(ChatRules),
        settings.service_hours,
        settings.rounding,
    )
    without_buyer = files_lacking(data.orders, "buyer") if data.orders is not None else []
    if without_buyer:
        kpis.notes.append(
            f"{', '.join(without_buyer)}: no buyer column (买家会员名); the orders of this "
            "export are matched to no buyer, so they count in no inquiry's conversion"
        )
    return kpis


def _score(
    data: MonthData,
    rules: RuleSet,
    month: Month,
    chats: ChatKpis | None,
    previous_levels: Mapping[str, Sequence[str]] | None,
    strict: bool,
    lang: str,
) -> ScoreResult:
    assert data.attendance is not None
    events = None
    if _scoring_uses_chats(rules):  # a scoring rule counts chat events
        kpis = chats if chats is not None else _chats(data, rules, month)
        events = chat_events(kpis, rules.get(ChatRules).unanswered_s, phrases(lang))
    result = score_frames(
        data.staff,
        data.attendance,
        data.leave,
        data.incidents,
        rules.get(ScoringRules),
        rules.get(IncidentKinds),
        rules.get(ValueWords),
        month,
        strict=strict,
        previous_levels=previous_levels or None,
        text=phrases(lang),
        chat_events=events,
    )
    absent = []
    if not len(data.leave):
        absent.append(
            "no leave approvals (请假/调休审批) export found: every scheduled day without a "
            "punch counts as 旷工"
        )
    if not len(data.incidents):
        absent.append("no incident sheet (奖惩登记) found: no complaints or awards were counted")
    result.warnings[:0] = absent
    result.rule_digest = rules.digest()
    return result


def _commission(
    data: MonthData, rules: RuleSet, month: Month, score: ScoreResult | None
) -> CommissionResult:
    assert data.orders is not None
    crules = rules.get(CommissionRules)
    levels = score.levels() if crules.level_multipliers and score is not None else None
    return compute_commission(
        data.orders,
        data.staff,
        month,
        rules,
        chats=data.chats if crules.uses_chats else None,
        incidents=data.incidents if len(data.incidents) else None,
        levels=levels,
    )


def _kpi(
    data: MonthData,
    rules: RuleSet,
    period: Period,
    given: Figures | None,
    previous_levels: Mapping[str, Sequence[str]] | None,
    strict: bool,
    lang: str,
) -> KpiResult:
    """The scorecard: each month's figures as far as the cards use them (`given`: a month
    computed already), then the cards."""
    krules = rules.get(KpiRules)
    scoring = rules.get(ScoringRules)
    check_levels(krules, scoring)
    crules = rules.get(CommissionRules)
    used = krules.sources()
    notes: list[str] = []
    qa_all = None
    if data.qa is not None:
        qa_all, qa_notes = prepare_qa(
            data.qa, data.staff, period, krules.qa, strict=strict, headers=data.qa_headers
        )
        notes.extend(qa_notes)
        if rules.settings.mask_buyers:  # settings.yaml: buyer nicks shown as 王** everywhere
            qa_all["buyer"] = mask_buyers(qa_all["buyer"])
    with_chats = "chats" in used and data.chats is not None
    with_commission = "commission" in used and data.orders is not None
    if with_commission and crules.uses_chats and data.chats is None:
        with_commission = False
        notes.append(
            f"commission attribution {crules.attribution.mode} needs the chat log: "
            "net sales are missing"
        )
    with_score = "score" in used and data.attendance is not None
    history = {k: list(v) for k, v in (previous_levels or {}).items()}
    months = []
    for month in months_of(period):
        fig = MonthFigures(month)
        if with_chats:
            fig.chats = given.chats if given and given.chats else _chats(data, rules, month)
            notes.extend(fig.chats.notes)
            if int(fig.chats.staff["conversations"].sum()) == 0:
                notes.append(f"the chat log holds no conversations in {month}")
        if with_score:
            fig.score = (
                given.score
                if given and given.score
                else _score(data, rules, month, fig.chats, history, strict, lang)
            )
            for sid, level in fig.score.levels().items():
                history.setdefault(sid, []).append(level)
            # The levels decide withholding: what the score run warned of matters here too.
            notes.extend(f"score {month}: {w}" for w in fig.score.warnings)
        if with_commission:
            fig.commission = (
                given.commission
                if given and given.commission
                else _commission(data, rules, month, fig.score)
            )
        if qa_all is not None:
            fig.qa = qa_all[month.contains(qa_all["date"])].reset_index(drop=True)
            if isinstance(period, Quarter) and len(fig.qa) == 0:
                notes.append(f"the spot-check sheet holds no checks in {month}")
        months.append(fig)
    return scorecard(
        period,
        data.staff,
        months,
        krules,
        scoring=scoring,
        chat_limit_s=rules.get(ChatRules).fast_reply_s,
        rounding=rules.settings.rounding,
        notes=notes,
    )


def unpaid(inputs: Inputs, as_of: pd.Timestamp, hours: float) -> UnpaidList:
    """The payment-reminder list at `as_of` (not a figure of a month: a moment's list)."""
    inputs.load(["orders", "roster"])
    frame = require_orders(inputs, ["created_at"], ["paid_at", "status"], "unpaid-orders")
    rules = inputs.rules
    return unpaid_orders(
        frame,
        rules.get(ShippingRules),
        as_of,
        hours,
        roster=Roster.from_frame(inputs.frame("roster")) if inputs.has("roster") else None,
        mask=rules.settings.mask_buyers,
    )
