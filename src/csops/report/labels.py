"""Every user-facing label of tables and workbooks, in Chinese and English.

JSON keys are always the English canonical names; these labels are for people.
Commands add their own keys here (one dict, so a translation is never missing).
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # generic
    "file": ("文件", "File"),
    "kind": ("类型", "Kind"),
    "encoding": ("编码", "Encoding"),
    "sheet": ("工作表", "Sheet"),
    "header_row": ("表头行", "Header row"),
    "rows": ("行数", "Rows"),
    "date_range": ("日期范围", "Date range"),
    "problems": ("问题", "Problems"),
    "ok": ("无", "none"),
    "unknown": ("无法识别", "unknown"),
    "notes": ("说明", "Notes"),
    "staff_id": ("工号", "Staff ID"),
    "name": ("姓名", "Name"),
    "role": ("岗位", "Role"),
    "month": ("月份", "Month"),
    "row": ("行号", "Row"),
    "date": ("日期", "Date"),
    "detail": ("说明", "Detail"),
    "total": ("合计", "Total"),
    # input kinds
    "kind.roster": ("客服名单", "staff roster"),
    "kind.orders": ("订单报表", "orders"),
    "kind.attendance": ("考勤打卡", "attendance"),
    "kind.leave": ("请假/调休审批", "leave approvals"),
    "kind.schedule": ("排班表", "schedule"),
    "kind.chats": ("聊天记录", "chat log"),
    "kind.incidents": ("奖惩登记", "incidents"),
    # report titles
    "title.inspect": ("输入文件检查", "Input files"),
    # -- score labels (issue 3) --
    # -- commission labels (issue 4) --
    # -- shipping labels (issue 5) --
    # -- chat labels (issue 6) --
}


def label(key: str, lang: str) -> str:
    """The label of `key` in `lang` (zh or en); the key itself when none is defined."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]
