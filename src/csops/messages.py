"""The messages csops says about a run, in both languages: one catalogue.

A layer that makes a note (the domain, the readers) makes a `Msg`: a `str` whose text is
the English message, so every list of notes, every JSON document and every test keeps
working, and which carries its key and values, so a report renders it in the report's
language (`localize`, called where notes are printed or written). Notes made as plain
strings are shown as they are: the catalogue grows one message at a time.
"""

from __future__ import annotations

from typing import Any

# key → (zh, en): str.format templates over the message's values.
CATALOGUE: dict[str, tuple[str, str]] = {
    "chats.orders_start_late": (
        "订单从 {first} 开始：此前的付款看不到，所以 {until} 之前的聊天可能把 {days} 天内已付款的"
        "买家算作询单；请导出 {since} 起的订单",
        "orders start at {first}: payments before it are unseen, so chats before {until} may "
        "count buyers who paid within {days} days as inquiries; export orders from {since}",
    ),
    "chats.account_not_on_roster": (
        "千牛账号 {account} 不在客服名单上：它本月的 {messages} 条消息记在账号名下；"
        "请加到名单的 旺旺子账号 列",
        "chat account {account} is on no roster row: its {messages} messages of the month are "
        "kept under the account name; add it to the roster's 旺旺子账号 column",
    ),
    "chats.no_orders": (
        "没有订单导出：询单人数、询单转化和付款金额无法计算；请加上本月及前 21 天的订单",
        "no orders export: inquiries, conversion and paid amount are not computed; add the "
        "orders of the month and the 21 days before it",
    ),
    "kpi.absent.chats": (
        "没有找到聊天记录：所有人的聊天指标缺数据",
        "no chat log (聊天记录) found: chat metrics are missing for everyone",
    ),
    "kpi.absent.commission": (
        "没有找到订单导出：所有人的净销售额缺数据",
        "no orders export found: net sales are missing for everyone",
    ),
    "kpi.absent.score": (
        "没有找到考勤导出：所有人的月度考核分缺数据",
        "no attendance export found: the monthly score is missing for everyone",
    ),
    "kpi.absent.qa": (
        "没有找到质检/抽查记录：所有人的质检指标缺数据",
        "no spot-check sheet (质检/抽查记录) found: QA metrics are missing for everyone",
    ),
    "kpi.not_scored": ("未考核：{who}", "not scored: {who}"),
    "kpi.not_scored_hint": (
        "未考核：{who}；要考核其他岗位，请在 rules/kpi.yaml 设置 default_card",
        "not scored: {who}; set default_card in rules/kpi.yaml to score other roles",
    ),
    "kpi.not_scored_item": ("{staff_id} {name}（{why}）", "{staff_id} {name} ({why})"),
    "kpi.why_no_card": ("岗位 {role} 没有考核卡", "no KPI card for the role {role}"),
    "kpi.why_little_data": (
        "有数据的权重只有 {weight}/100（min_weight_with_data 为 {min}）：不考核",
        "data for only {weight} of 100 weight (min_weight_with_data {min}): not scored",
    ),
    "roster.several_files": (
        "客服名单在 {count} 个文件里（{files}）：每个工号只算一次，以最后一个文件夹的名单为准",
        "the roster is in {count} files ({files}): each 工号 counts once, with its row in the "
        "last folder's",
    ),
    "roster.several_files_differ": (
        "客服名单在 {count} 个文件里（{files}）：每个工号只算一次，以最后一个文件夹的名单为准；"
        "各文件内容不同的工号：{changed}",
        "the roster is in {count} files ({files}): each 工号 counts once, with its row in the "
        "last folder's; 工号 whose rows differ between the files: {changed}",
    ),
    "read.masked": (
        "{file}：{header} 列中已隐藏 {what}（买家的隐私信息不会出现在报表里）",
        "{file}: column {header}: masked {what_en} (buyers' private data is never shown)",
    ),
    "read.not_regular": (
        "{data} 里有 {count} 个不是普通文件的路径，没有读取：{items}",
        "{count} path(s) in {data} are no regular files and were not read: {items}",
    ),
    "read.paid_at_from_created": (
        "{file}：导出里没有付款时间（订单付款时间）；按 settings.yaml 的设置"
        "（paid_time_fallback: created_at），不是待付款的订单按下单时间（{header}）算作付款",
        "{file}: the export has no payment time (订单付款时间); as settings.yaml allows "
        "(paid_time_fallback: created_at), each order not waiting for payment was taken as "
        "paid when it was created ({header})",
    ),
    "read.no_paid_at": (
        "{file}：导出里没有付款时间（订单付款时间、付款时间、支付时间）：提成和待发货清单无法使用"
        "它的订单；请导出带付款时间的订单，或在 settings.yaml 设置 paid_time_fallback: "
        "created_at 改用下单时间",
        "{file}: the export has no payment time (订单付款时间, 付款时间, 支付时间): commission "
        "and the overdue list cannot use its orders; export it with the payment time, or set "
        "paid_time_fallback: created_at in settings.yaml to take the order's creation time "
        "instead",
    ),
    "read.not_regular_item": ("{path}（{what}）", "{path} ({what})"),
    "read.what.fifo": ("命名管道", "a named pipe (FIFO)"),
    "read.what.socket": ("套接字", "a socket"),
    "read.what.device": ("设备", "a device"),
    "read.what.folder": ("文件夹", "a folder"),
    "read.what.other": ("不是普通文件", "no regular file"),
    "read.own_files": (
        "{data} 里有 {count} 个 csops 自己写的文件，不当作导出读取：{items}",
        "{count} file(s) in {data} were written by csops and are not read as exports: {items}",
    ),
}

# The kinds of private data a note counts (read.masked), in Chinese.
MASKED_ZH = {
    "ID numbers": "身份证号",
    "e-mail addresses": "邮箱",
    "支付宝 accounts": "支付宝账号",
    "mobile numbers": "手机号",
    "landline numbers": "固定电话",
    "receiver names": "收货人姓名",
    "addresses": "地址",
}


class Msg(str):
    """A catalogued message: its text (`str`) is the English one."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Msg:
        message = super().__new__(cls, _render(key, params, "en"))
        message.key = key
        message.params = params
        return message

    def text(self, lang: str) -> str:
        return _render(self.key, self.params, lang)


def _render(key: str, params: dict[str, Any], lang: str) -> str:
    """The template of `key` in `lang`; a value that is a message, or a list of them, is
    rendered in `lang` too (a list joined with 、 or , )."""
    zh, en = CATALOGUE[key]
    values = {}
    for name, value in params.items():
        if isinstance(value, list):
            value = ("、" if lang == "zh" else ", ").join(localize(v, lang) for v in value)
        elif isinstance(value, Msg):
            value = value.text(lang)
        values[name] = value
    return (zh if lang == "zh" else en).format(**values)


def localize(message: str, lang: str) -> str:
    """The message in `lang` when it is catalogued; otherwise as it was made."""
    return message.text(lang) if isinstance(message, Msg) else message
