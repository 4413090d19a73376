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
    "title.overdue_shipments": ("待发货订单（超时预警）", "Unshipped orders"),
    "title.shipments_by_staff": ("待发货按客服", "Unshipped by staff"),
    "title.unpaid_orders": ("催付款订单", "Unpaid orders (payment reminders)"),
    "ship.order_id": ("订单编号", "Order ID"),
    "ship.paid_at": ("付款时间", "Paid at"),
    "ship.created_at": ("创建时间", "Created at"),
    "ship.hours_unshipped": ("未发货(小时)", "Hours unshipped"),
    "ship.hours_unpaid": ("未付款(小时)", "Hours unpaid"),
    "ship.time_left": ("距延迟发货", "Left to late line"),
    "ship.past": ("已超时", "past by"),
    "ship.level": ("级别", "Level"),
    "ship.level.warning": ("预警", "warning"),
    "ship.level.overdue": ("超时", "overdue"),
    "ship.level.late": ("延迟发货", "late"),
    "ship.staff": ("处理客服", "Staff"),
    "ship.buyer": ("买家", "Buyer"),
    "ship.title": ("宝贝标题", "Item"),
    "ship.total": ("合计", "Total"),
    "ship.unassigned": ("备注无客服", "no staff in memo"),
    "ship.as_of": ("统计时点", "As of"),
    "ship.by_staff": ("按客服", "By staff"),
    "ship.none": ("没有需要列出的订单", "no orders to list"),
    "ship.after": ("下单后未付款超过", "unpaid longer than"),
    # -- chat labels (issue 6) --
    "title.chats": ("聊天考核指标", "Chat KPIs"),
    "title.chat_waits": ("最长的等待", "Longest waits"),
    "chats.conversations": ("会话数", "Conversations"),
    "chats.buyer_messages": ("买家消息", "Buyer msgs"),
    "chats.staff_messages": ("客服消息", "Staff msgs"),
    "chats.first_response_s": ("首响(秒)", "1st resp (s)"),
    "chats.avg_response_s": ("平响(秒)", "Avg resp (s)"),
    "chats.replies_within_30s": ("30秒响应", "≤30 s"),
    "chats.unanswered_10min": ("10分未响应", ">10 min"),
    "chats.reply_rate": ("回复率", "Reply rate"),
    "chats.answer_ratio": ("答问比", "Ans ratio"),
    "chats.inquiries": ("询单人数", "Inquiries"),
    "chats.paid_buyers": ("付款人数", "Paid buyers"),
    "chats.conversion_rate": ("询单转化", "Conversion"),
    "chats.next_day_conversion_rate": ("次日转化", "Next day"),
    "chats.paid_amount": ("付款金额", "Paid amount"),
    "chats.avg_order_value": ("客单价", "AOV"),
    "chats.satisfaction_rate": ("满意率", "Satisfied"),
    "chats.shop_total": ("全店合计", "Shop total"),
    "chats.waits": ("等待次数", "Waits"),
    "chats.account": ("客服账号", "Account"),
    "chats.buyer": ("买家", "Buyer"),
    "chats.wait_start": ("买家提问时间", "Asked at"),
    "chats.clock_start": ("计时起点", "Clock from"),
    "chats.reply_at": ("客服回复时间", "Replied at"),
    "chats.response_s": ("等待时长(秒)", "Wait (s)"),
    "chats.wait_messages": ("本次提问消息数", "Messages in wait"),
    "chats.start_file": ("提问所在文件", "Question file"),
    "chats.start_row": ("提问行号", "Question row"),
    "chats.reply_file": ("回复所在文件", "Reply file"),
    "chats.reply_row": ("回复行号", "Reply row"),
    "chats.never_note": (
        "回复时间为空：这次等待从未得到回复（红色行）",
        "no reply time: the wait was never answered (red rows)",
    ),
}


def label(key: str, lang: str) -> str:
    """The label of `key` in `lang` (zh or en); the key itself when none is defined."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]
