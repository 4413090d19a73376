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
    "kind.qa": ("质检/抽查记录", "QA spot checks"),
    "kind.order_items": ("子订单/商品明细 (按订单合计)", "order items (added up per order)"),
    "kind.punches": ("打卡记录 (每次打卡一行)", "punch records (a row per punch)"),
    "kind.chat_sessions": ("聊天记录 (每个会话一行)", "chat log (a row per conversation)"),
    "kind.attendance_summary": ("考勤月度汇总 (未使用)", "monthly attendance summary (not used)"),
    "kind.chat_summary": ("会话统计 (未使用)", "chat session list (not used)"),
    "kind.order_item_list": ("宝贝明细 (未使用)", "item list (not used)"),
    # report titles
    "title.inspect": ("输入文件检查", "Input files"),
    "title.rules_check": ("生效的规则", "Rules in force"),
    "rules.file": ("规则文件", "File"),
    "rules.init_written": ("已写入 {folder}：{files}", "written into {folder}: {files}"),
    "rules.init_kept": (
        "{folder} 里已有、未改动：{files}",
        "already in {folder}, kept as they are: {files}",
    ),
    "rules.init_next": (
        "下一步：按注释修改这些文件，然后运行 csops rules check {folder}",
        "next: edit the files as their comments say, then run csops rules check {folder}",
    ),
    "rules.key": ("项", "Key"),
    "rules.value": ("值", "Value"),
    "rules.from": ("来源", "From"),
    "rules.from_folder": ("规则文件夹", "the folder"),
    "rules.from_default": ("内置默认", "built-in"),
    # -- score labels (issue 3) --
    "title.scores": ("月度考核分", "Monthly scores"),
    "title.score_evidence": ("扣分明细", "Score evidence"),
    "score.staff_id": ("工号", "Staff ID"),
    "score.name": ("姓名", "Name"),
    "score.role": ("岗位", "Role"),
    "score.count": ("次数", "count"),
    "score.points_of": ("分", "points"),
    "score.points": ("加减分", "Points"),
    "score.score": ("得分", "Score"),
    "score.level": ("等级", "Level"),
    "score.penalty_yuan": ("罚款(元)", "Penalty (yuan)"),
    "score.scheduled_days": ("排班天数", "Scheduled days"),
    "score.worked_days": ("出勤天数", "Days worked"),
    "score.late_days": ("迟到天数", "Days late"),
    "score.early_leave_days": ("早退天数", "Days left early"),
    "score.missed_punch_days": ("缺卡天数", "Days with a missed punch"),
    "score.unauthorized_absence_days": ("旷工天数", "Days of 旷工"),
    "score.leave_days": ("请假/调休天数", "Leave days"),
    "score.absences": ("计缺勤合计", "Absences counted"),
    "score.major_mistakes": ("重大失误", "Major mistakes"),
    "score.award_yuan": ("嘉奖(元)", "Awards (yuan)"),
    "score.rule": ("规则", "Rule"),
    "score.date": ("日期", "Date"),
    "score.file": ("文件", "File"),
    "score.row": ("行号", "Row"),
    "score.yuan": ("罚款(元)", "Yuan"),
    "score.yuan_of": ("罚款(元)", "yuan"),
    "score.detail": ("说明", "What was seen"),
    # -- commission labels (issue 4) --
    "title.commission": ("提成", "Commission"),
    "title.commission_orders": ("订单归属", "Orders credited"),
    "title.commission_conflicts": ("备注冲突", "Memo conflicts"),
    "title.commission_unknown": ("未知工号", "Unknown IDs"),
    "title.commission_awards": ("嘉奖", "Awards"),
    "title.commission_explain": ("提成订单明细", "Credited orders"),
    "commission.orders": ("订单数", "Orders"),
    "commission.sales": ("销售额", "Sales"),
    "commission.refunds": ("退款", "Refunds"),
    "commission.net_sales": ("净销售额", "Net sales"),
    "commission.tier": ("档位", "Tier"),
    "commission.rate": ("提成比例", "Rate"),
    "commission.level": ("考核等级", "Score level"),
    "commission.multiplier": ("系数", "Multiplier"),
    "commission.commission": ("提成", "Commission"),
    "commission.awards": ("嘉奖", "Awards"),
    "commission.total": ("合计", "Total"),
    "commission.order_id": ("订单编号", "Order ID"),
    "commission.paid_at": ("付款时间", "Paid at"),
    "commission.paid": ("实付金额", "Paid"),
    "commission.refund": ("退款金额", "Refunded"),
    "commission.net": ("净额", "Net"),
    "commission.credited_to": ("归属客服", "Credited to"),
    "commission.how": ("归属方式", "How"),
    "commission.memo": ("备注", "Memo"),
    "commission.candidates": ("备注中的客服", "Staff named"),
    "commission.token": ("未知工号", "Unknown ID"),
    "commission.chat_time": ("聊天时间", "Chat at"),
    "commission.chat_source": ("聊天记录", "Chat row"),
    "commission.source": ("来源", "Source"),
    "commission.amount": ("金额", "Amount"),
    "commission.unattributed": ("未归属订单", "Unattributed orders"),
    "how.memo": ("备注工号", "memo"),
    "how.memo_split": ("备注平分", "memo (split)"),
    "how.last_chat": ("最后聊天", "last_chat"),
    "how.first_chat": ("首次聊天", "first_chat"),
    "how.conflict": ("备注冲突", "conflict"),
    "how.no_flag": ("未插旗", "no flag"),
    "how.none": ("无归属", "none"),
    "note.commission_excluded": (
        "不计入: {unpaid} 单未付款(其中 {closed} 单付款前关闭), {other} 单不在本月",
        "Not counted: {unpaid} unpaid orders ({closed} closed before payment), "
        "{other} outside the month",
    ),
    "note.commission_unattributed": (
        "未归属: {orders} 单, 净销售额 {net}",
        "Unattributed: {orders} orders, net sales {net}",
    ),
    "note.commission_conflicts": (
        "备注写了多位客服 ({count} 单, {action}): {items}",
        "Memo names several staff ({count} orders, {action}): {items}",
    ),
    "note.commission_conflicts_skip": ("未计提成", "not credited"),
    "note.commission_conflicts_split": ("平分", "split evenly"),
    "note.commission_unknown": (
        "备注中的未知工号 ({count}): {items}",
        "Unknown IDs in memos ({count}): {items}",
    ),
    "note.commission_refunds": (
        "订单报表没有退款金额列: 退款按 0 计(付款后已关闭/已取消的订单除外, 按全额退款计)",
        "The orders export has no refund column: refunds taken as 0 (but for orders closed "
        "or cancelled after payment, counted as fully refunded)",
    ),
    "note.commission_refunds_files": (
        "这些订单报表没有退款金额列, 其订单的退款按 0 计(已关闭/已取消的除外): {files}",
        "These order exports have no refund column; their orders' refunds were taken as 0 "
        "(but for closed or cancelled ones): {files}",
    ),
    "note.commission_cancelled": (
        "{count} 单付款后已关闭/已取消且报表无退款金额: 按全额退款计 (共 {amount} 元), 不计提成",
        "{count} paid orders closed or cancelled afterwards, with no refund amount in their "
        "export, counted as fully refunded ({amount} yuan): no commission on them",
    ),
    "note.commission_flag": (
        "订单报表没有旗帜列: 未检查插旗要求",
        "The orders export has no flag column: the flag requirement was not checked",
    ),
    "note.commission_levels": (
        "未提供考核等级: 未应用等级系数",
        "No score levels given: level multipliers not applied",
    ),
    "note.commission_no_incidents": (
        "没有奖惩登记: 嘉奖按 0 计",
        "No incident sheet: awards taken as 0",
    ),
    "note.commission_detail_csv": (
        "订单明细 {rows} 行, 超过 detail_row_limit, 已写入 {path}",
        "{rows} order rows exceed detail_row_limit; written to {path}",
    ),
    "warn.unknown_accounts": (
        "{count} 个千牛账号不在客服名单上，本月 {messages} 条消息不计入任何客服: {items}；"
        "请在客服名单的 旺旺子账号 列补上",
        "{count} chat accounts are on no roster row, so {messages} messages of the month "
        "count for no one: {items}; add them to the roster's 旺旺子账号 column",
    ),
    "warn.unheld_accounts": (
        "千牛账号 {items} 有消息发生在名单上没有人持有它的时间（前一人离职之后、下一人入职之前），"
        "这些消息不计入任何客服；请核对客服名单的入职/离职日期",
        "chat account {items} has messages from a time no roster row held it (after one "
        "person's 离职, before the next one's 入职): they count for no one; check the "
        "roster's 入职/离职 dates",
    ),
    "warn.unattributed": (
        "{orders} 单（净销售额 {net}）未归属任何客服，不计提成",
        "{orders} orders (net sales {net}) were credited to no one and earn no commission",
    ),
    "warn.old_export": (
        "订单导出的最新订单在 {newest}，比统计时点 {as_of} 早 {hours} 小时"
        "（超过 {limit} 小时）：结果可能已过时，请重新导出订单",
        "the orders export's newest order is at {newest}, {hours} h before {as_of} (over "
        "{limit} h): the figures may be stale; export the orders again",
    ),
    "warn.prefix": ("警告:", "Warning:"),
    "note.see_sheet": ("见“{sheet}”表", "see the sheet {sheet}"),
    "summary.rank": ("考核排名", "Rank"),
    "summary.total": ("合计", "Total"),
    "note.columns_left_out": (
        "终端宽度不够，{count} 列未显示：{columns}；加宽终端，或用 --format csv / xlsx / json "
        "查看全部",
        "{count} columns do not fit this terminal and are not shown: {columns}; widen it, "
        "or see every column with --format csv / xlsx / json",
    ),
    "monthly.warnings": ("{count} 条数据警告", "{count} data warnings"),
    "note.rules_in_force": (
        "使用的规则: {where}; 规则集 {digest}",
        "rules in force: {where}; rule set {digest}",
    ),
    "note.rules_defaults": ("内置默认规则", "the built-in defaults"),
    "note.rules_folder": (
        "{folder} ({files} 覆盖内置默认规则)",
        "{folder} ({files} over the built-in defaults)",
    ),
    "note.commission_explain": (
        "{staff_id} {name}: {orders} 单, 净销售额 {net}, 第 {tier} 档 ({range}), 比例 {rate}, "
        "提成 {commission} + 嘉奖 {awards} = {total}",
        "{staff_id} {name}: {orders} orders, net sales {net}, tier {tier} ({range}), "
        "rate {rate}, commission {commission} + awards {awards} = {total}",
    ),
    "note.commission_award": (
        "嘉奖 {date} {amount} ({source}) {note}",
        "award {date} {amount} ({source}) {note}",
    ),
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
    # -- ledger and grade labels (issue 7) --
    "title.close": ("结账", "Month closed"),
    "title.history": ("已结账月份", "Closed months"),
    "title.staff_history": ("月度记录", "Monthly record"),
    "title.grades": ("年终等级", "Year-end grades"),
    "ledger.revision": ("版本", "Revision"),
    "ledger.closed_at": ("结账时间", "Closed at"),
    "ledger.rules": ("规则指纹", "Rule set"),
    "ledger.inputs": ("输入文件", "Input files"),
    "ledger.staff": ("人数", "Staff"),
    "ledger.reopens": ("重开次数", "Reopens"),
    "ledger.reason": ("重开原因", "Reopen reason"),
    "ledger.score": ("得分", "Score"),
    "ledger.level": ("等级", "Level"),
    "ledger.late_days": ("迟到", "Lates"),
    "ledger.early_leave_days": ("早退", "Early leaves"),
    "ledger.unauthorized_absence_days": ("旷工", "旷工"),
    "ledger.leave_days": ("请假天数", "Leave days"),
    "ledger.major_mistakes": ("重大失误", "Major mistakes"),
    "ledger.net_sales": ("净销售额", "Net sales"),
    "ledger.commission": ("提成", "Commission"),
    "ledger.total": ("提成+嘉奖", "Commission + awards"),
    "ledger.conversations": ("会话数", "Conversations"),
    "ledger.reply_rate": ("回复率", "Reply rate"),
    "grade.months": ("在职月数", "Months"),
    "grade.average": ("平均分", "Average"),
    "grade.lowest": ("最低月分", "Lowest"),
    "grade.unauthorized_absence_days": ("旷工", "旷工"),
    "grade.leave_days": ("请假天数", "Leave days"),
    "grade.late_and_early_days": ("迟到+早退", "Lates + early"),
    "grade.major_mistakes": ("重大失误", "Major mistakes"),
    "grade.grade": ("等级", "Grade"),
    "grade.amount": ("金额", "Amount"),
    "grade.reasons": ("依据", "Why"),
    "grade.none": ("无", "none"),
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
    # -- monthly labels (issue 9) --
    "title.summary": ("月度汇总", "Monthly summary"),
    "title.charts": ("图表", "Charts"),
    "title.attendance": ("考勤明细", "Attendance by day"),
    "title.waits": ("等待明细", "Every wait"),
    "title.data_quality": ("数据检查", "Data quality"),
    "monthly.tab.scores": ("考核分", "Scores"),
    "monthly.tab.evidence": ("扣分明细", "Evidence"),
    "monthly.tab.commission": ("提成", "Commission"),
    "monthly.tab.orders": ("订单归属", "Orders"),
    "monthly.tab.chats": ("聊天指标", "Chats"),
    "monthly.tab.overdue": ("待发货", "Overdue"),
    "monthly.tab.by_staff": ("待发货按客服", "Overdue by staff"),
    "monthly.waits_broken": (
        "本表只列出违反规则的等待：未回复，或超过 {limit} 秒才回复；本月 {every} 次等待中的 "
        "{count} 次（全部等待：csops monthly --detail all）",
        "Only the waits that broke a rule: never answered, or answered after more than "
        "{limit} s; {count} of the month's {every} waits (every wait: csops monthly "
        "--detail all)",
    ),
    "monthly.waits_all": (
        "本月全部 {count} 次等待（--detail all）",
        "Every one of the month's {count} waits (--detail all)",
    ),
    "monthly.detail_csv": (
        "本表 {rows} 行，超过 {limit} 行的上限（settings.yaml 的 detail_row_limit），"
        "已写入同一文件夹的 {file}（UTF-8 带 BOM，Excel 可直接打开）",
        "{rows} rows, more than the {limit}-row limit (detail_row_limit in settings.yaml): "
        "written to {file} in the same folder (UTF-8 with BOM; Excel opens it)",
    ),
    "monthly.detail_csv_parts": (
        "本表 {rows} 行，超过 {limit} 行的上限（settings.yaml 的 detail_row_limit），"
        "已写入同一文件夹的 {count} 个文件（UTF-8 带 BOM，Excel 可直接打开；Excel 一个表最多 "
        "1,048,576 行，所以分成几个文件；同一{key}的行在同一个文件里，"
        "除非多于一个文件能装的行数）：",
        "{rows} rows, more than the {limit}-row limit (detail_row_limit in settings.yaml): "
        "written to {count} files in the same folder (UTF-8 with BOM; Excel opens each; a "
        "sheet holds at most 1,048,576 rows, so the rows are split; the rows of one {key} "
        "stay in one file unless they are more than a file holds):",
    ),
    "monthly.detail_csv_span": ("，{key} {first} 至 {last}", ", {key} {first} to {last}"),
    "monthly.rows": ("行", "rows"),
    "monthly.chart.score": ("考核得分（按等级着色）", "Score per staff (coloured by level)"),
    "monthly.chart.commission": ("提成合计（元）", "Commission per staff (yuan)"),
    "monthly.chart.response": ("响应时长（秒）", "Response time per staff (s)"),
    "monthly.seconds": ("秒", "seconds"),
    "monthly.yuan": ("元", "yuan"),
    "monthly.unshipped": ("月末待发货", "Unshipped at month end"),
    "monthly.commission_total": ("提成合计(元)", "Commission total"),
    "monthly.yes": ("是", "yes"),
    "att.shift": ("班次", "Shift"),
    "att.status": ("出勤", "Status"),
    "att.first_punch": ("上班打卡", "Clock-in"),
    "att.last_punch": ("下班打卡", "Clock-out"),
    "att.late_minutes": ("迟到(分钟)", "Late (min)"),
    "att.early_leave_minutes": ("早退(分钟)", "Left early (min)"),
    "att.missed_punch": ("缺卡", "Missed punch"),
    "att.leave": ("请假", "Leave"),
    "att.unauthorized_absence": ("旷工", "旷工"),
    "att.clock_in_result": ("上班打卡结果", "Clock-in result"),
    "att.clock_out_result": ("下班打卡结果", "Clock-out result"),
    "att.status.worked": ("出勤", "worked"),
    "att.status.rest": ("休息", "rest"),
    "att.status.leave": ("请假", "leave"),
    "att.status.unauthorized_absence": ("旷工", "unauthorized absence"),
    "att.leave.leave": ("请假", "leave"),
    "att.leave.leave_in_lieu": ("调休", "day off in lieu"),
    "chats.staff": ("客服", "Staff"),
    "monthly.head.score": ("考核 {staff} 人: {levels}", "Scores of {staff} staff: {levels}"),
    "monthly.head.commission": (
        "提成合计 {total} 元（含嘉奖 {awards} 元）; 未归属订单 {orders} 单, 净销售额 {net} 元",
        "Commission {total} yuan in all (awards {awards} included); unattributed: {orders} "
        "orders, net sales {net}",
    ),
    "monthly.head.chats": (
        "聊天: 会话 {conversations}, 平均响应 {avg} 秒, 10分钟未响应 {slow} 次",
        "Chats: {conversations} conversations, average response {avg} s, {slow} waits over 10 min",
    ),
    "monthly.head.overdue": ("截至 {as_of} 未发货: {counts}", "Unshipped at {as_of}: {counts}"),
    "monthly.head.inputs": (
        "输入文件 {files} 个, 其中 {bad} 个有问题（见“数据检查”）",
        "{files} input files, {bad} with problems (see Data quality)",
    ),
    "monthly.done": (
        "csops monthly {month}: {staff} 人, 提成合计 {total} 元, 月末待发货 {overdue} 单 → {files} "
        "({seconds} 秒)",
        "csops monthly {month}: {staff} staff, commission {total} yuan, {overdue} unshipped at "
        "month end → {files} ({seconds} s)",
    ),
    "monthly.closed": (
        "已关账: {month} 第 {revision} 版, 账本 {ledger}",
        "closed {month} as revision {revision} in {ledger}",
    ),
    # -- kpi labels (issue 8) --
    "title.kpi": ("绩效考核", "KPI scorecard"),
    "title.kpi_detail": ("绩效考核明细", "KPI detail"),
    "title.kpi_spot_checks": ("质检抽查明细", "Spot checks"),
    "kpi.staff_id": ("工号", "Staff ID"),
    "kpi.name": ("姓名", "Name"),
    "kpi.role": ("岗位", "Role"),
    "kpi.card": ("考核卡", "Card"),
    "kpi.level": ("考核等级", "Score level"),
    "kpi.total": ("总分", "Total"),
    "kpi.rank": ("岗位排名", "Rank in role"),
    "kpi.bonus": ("绩效奖金(元)", "Bonus (yuan)"),
    "kpi.bonus_before_withholding": ("按分档奖金(元)", "Bonus by tier (yuan)"),
    "kpi.note": ("说明", "Note"),
    "kpi.points_of": ("得分", "pts"),
    "kpi.metric": ("指标", "Metric"),
    "kpi.value": ("数值", "Value"),
    "kpi.numerator": ("分子", "Numerator"),
    "kpi.denominator": ("分母", "Denominator"),
    "kpi.rule": ("计分规则", "Scoring rule"),
    "kpi.points": ("得分", "Points"),
    "kpi.weight": ("权重", "Weight"),
    "kpi.effective_weight": ("实际权重", "Weight used"),
    "kpi.contribution": ("加权得分", "Weighted points"),
    "kpi.date": ("日期", "Date"),
    "kpi.buyer": ("买家", "Buyer"),
    "kpi.score": ("质检得分", "Score"),
    "kpi.accuracy": ("回复准确", "Accuracy"),
    "kpi.attitude": ("服务态度", "Attitude"),
    "kpi.communication": ("沟通技巧", "Communication"),
    "kpi.check_score": ("计入得分", "Score counted"),
    "kpi.resolved": ("是否解决", "Resolved"),
    "kpi.file": ("文件", "File"),
    "kpi.row": ("行号", "Row"),
    "kpi.no_data": ("缺数据", "no data"),
    "kpi.redistributed": ("权重已分摊", "weight shared out"),
    "kpi.no_card": (
        "无适用考核卡（岗位 {role}），不考核",
        "no card for the role {role}: not scored",
    ),
    "kpi.too_little_data": (
        "有数据的权重仅 {weight}（最低 {min}），不考核",
        "data for only {weight} of the weight (min {min}): not scored",
    ),
    "kpi.withheld": (
        "考核等级为{level}，奖金 {amount} 元扣发",
        "level {level}: bonus {amount} withheld",
    ),
    "kpi.missing_list": ("缺数据：{metrics}", "no data: {metrics}"),
    "kpi.yes": ("是", "yes"),
    "kpi.no": ("否", "no"),
    "kpi.chart_title": ("绩效总分", "KPI total per staff member"),
}


def has_label(key: str) -> bool:
    return key in LABELS


def label(key: str, lang: str) -> str:
    """The label of `key` in `lang` (zh or en); the key itself when none is defined."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def rules_in_force(folder: str, files: list[str], digest: str, lang: str) -> str:
    """Which rules a report's figures were computed with, in `lang`."""
    where = (
        label("note.rules_folder", lang).format(folder=folder, files=", ".join(files))
        if files
        else label("note.rules_defaults", lang)
    )
    return label("note.rules_in_force", lang).format(where=where, digest=digest[:12])
