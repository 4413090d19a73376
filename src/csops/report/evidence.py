"""The words of the evidence: each score deduction's 说明 and each grade's reason, in
Chinese and English.

The domain fills these templates with a month's values (`csops.domain.phrases.Phrases`)
and holds no text of its own; `phrases(lang)` is the one place a language is chosen for
them. Keys name what a phrase says; every key is in both languages (a test)."""

from __future__ import annotations

from csops.domain.phrases import Phrases

_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# key → (zh, en)
TEXT: dict[str, tuple[str, str]] = {
    # ---- score evidence: attendance, leave, incidents
    "late": (
        "上班打卡 {time}，班次 {shift}：迟到 {minutes} 分钟",
        "clock-in {time} on {shift}: {minutes} min late",
    ),
    "early_leave": (
        "下班打卡 {time}，班次 {shift}：早退 {minutes} 分钟",
        "clock-out {time} on {shift}: left {minutes} min early",
    ),
    "missed_clock_in": (
        "缺上班卡（班次 {shift}，下班打卡 {time}）：按调休记",
        "no clock-in on {shift} (clock-out {time}): missed punch, recorded as 调休",
    ),
    "missed_clock_out": (
        "缺下班卡（班次 {shift}，上班打卡 {time}）：按调休记",
        "no clock-out on {shift} (clock-in {time}): missed punch, recorded as 调休",
    ),
    "unauthorized_absence": (
        "排班 {shift}，无打卡且无已批准的请假：旷工",
        "no punch on {shift} and no approved leave: 旷工",
    ),
    "refused_leave": (
        "（{file} 第 {row} 行的请假为 {approval}）",
        " (the leave on row {row} of {file} is {approval})",
    ),
    "leave": (
        "{kind} {start} ~ {end}（{approval}）：{day} 请假",
        "{kind} {start} ~ {end} ({approval}): on leave {day}",
    ),
    "leave_part": ("（按 {days} 天计）", " ({days} of a day)"),
    "sheet_points": ("，扣分 {points}", ", 扣分 {points}"),
    "amount": ("，金额 {amount} 元", ", ¥{amount}"),
    "note": ("：{note}", ": {note}"),
    "next_day": ("次日 {time}", "次日 {time}"),
    # ---- score evidence: chats
    "chat_wait": (
        "买家 {clock} 的消息：{answer}（超过 {limit} 秒）",
        "buyer message at {clock}: {answer} (over {limit} s)",
    ),
    "chat_never": ("未回复", "never answered"),
    "chat_after": ("{seconds} 秒后才回复", "answered after {seconds} s"),
    # ---- score evidence: how a rule charged an event
    "converted": (
        " → 超过 {over} 分钟：按{target}计",
        " → more than {over} min: counts as {target}",
    ),
    "free": (" → 免扣（每月前 {free} 次免扣，第 {n} 次）", " → free ({n} of {free} free a month)"),
    "free_within": (
        " → 免扣（每月 {within} 分钟内前 {free} 次免扣，第 {n} 次）",
        " → free ({n} of {free} within {within} min free a month)",
    ),
    "charged": (" → 本月第 {k} 次", " → #{k} this month"),
    "beyond": ("，超出免扣的 {free} 次", ", beyond the {free} free"),
    "never_free": (" → 超过 {within} 分钟：不免扣", " → more than {within} min: never free"),
    "threshold": ("；满 {count} 次共计{total}", "; {count} or more: {total} in total"),
    "amount_sep": ("：", ": "),
    "points_minus": ("扣 {points} 分", "-{points} points"),
    "points_plus": ("加 {points} 分", "+{points} points"),
    "points_none": ("不扣分", "0 points"),
    # ---- year-end grades: the measures
    "measure.scheduled_days": ("排班天数", "scheduled days"),
    "measure.worked_days": ("出勤天数", "days worked"),
    "measure.late_days": ("迟到", "lates"),
    "measure.early_leave_days": ("早退", "early leaves"),
    "measure.missed_punch_days": ("缺卡", "missed punches"),
    "measure.unauthorized_absence_days": ("旷工", "旷工"),
    "measure.leave_days": ("请假天数", "leave days"),
    "measure.absences": ("缺勤", "absences"),
    "measure.major_mistakes": ("重大失误", "major mistake"),
    "measure.award_yuan": ("嘉奖", "awards"),
    "measure.net_sales": ("净销售额", "net sales"),
    "measure.commission": ("提成", "commission"),
    "measure.average_score": ("平均分", "average"),
    "measure.lowest_score": ("最低月分", "lowest month"),
    "measure.months_worked": ("在职月数", "months worked"),
    "measure_sep": ("+", " + "),
    # ---- year-end grades: the reasons
    "none_of": ("无{name}", "no {name}"),
    "within": ("{name} {value}，在 {min}–{max} 之间", "{name} {value} within {min}–{max}"),
    "at_least": ("{name} {value}，不低于 {min}", "{name} {value} ≥ {min}"),
    "at_most": ("{name} {value}，不超过 {max}", "{name} {value} ≤ {max}"),
    "below": ("{name} {value}{months}，低于 {min}", "{name} {value}{months} < {min}"),
    "above": ("{name} {value}{months}，超过 {max}", "{name} {value}{months} > {max}"),
    "outside": (
        "{name} {value}{months}，不在 {min}–{max} 之间",
        "{name} {value}{months}, outside {min}–{max}",
    ),
    "no_month_below": ("无低于 {min} 分的月份", "no month below {min}"),
    "months_below": ("{months}，低于 {min}", "{months} < {min}"),
    "many_below": (
        "{count} 个月低于 {min}，最低 {month} {lowest}",
        "{count} months < {min}, lowest {month} {lowest}",
    ),
    "month_list": ("（{items}）", " ({items})"),
    "month_count": ("{count} 个月", "{count} months"),
    "item_sep": ("、", ", "),
    "cond_sep": ("，", ", "),
    "won": ("{grade}：{conditions}", "{grade}: {conditions}"),
    "no_conditions": ("无条件", "no conditions"),
    "not": ("未达 {grade}：{conditions}", "not {grade}: {conditions}"),
    "excluded": (
        "不评等级：在职 {months} 个月，少于 {minimum} 个月",
        "no grade: {months} months on staff, fewer than the {minimum} a grade needs",
    ),
    "prorated": (
        "按在职月数折算：{amount} × {months}/{full} = {prorated}",
        "prorated: {amount} × {months}/{full} months = {prorated}",
    ),
    "short_full": (
        "在职 {months} 个月（不足 {full} 个月），按规则发全额",
        "{months} of {full} months on staff: the full amount (short_year: full)",
    ),
    "allow_missing": (
        "{year} 年只有 {closed} 个月已结账，未结账：{missing}（--allow-missing）；"
        "满年按 {full} 个月计",
        "graded on the {closed} closed months of {year}; not closed: {missing} "
        "(--allow-missing); a full year counts as {full} months",
    ),
    "rule_sets": (
        "这些月份在 {count} 套不同的规则下结账：{items}",
        "the months were closed under {count} different rule sets: {items}",
    ),
    **{f"month.{n}": (f"{n}月", _MONTHS_EN[n - 1]) for n in range(1, 13)},
}


def phrases(lang: str) -> Phrases:
    """The evidence phrases of `lang` (`zh`, else English)."""
    which = 0 if lang == "zh" else 1
    return Phrases("zh" if lang == "zh" else "en", {k: v[which] for k, v in TEXT.items()})
