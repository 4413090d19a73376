"""`csops rules check`: every value of the rules in force, and the file it came from."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from csops.report.cells import Column, Sheet
from csops.report.labels import label, rules_in_force
from csops.report.output import Report
from csops.rules.loader import RuleSet, provenance


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def check_report(rules: RuleSet, lang: str) -> Report:
    rows = provenance(rules)
    mine = rules.folder.name
    frame = pd.DataFrame(
        {
            "rules.file": [name for name, _, _, _ in rows],
            "rules.key": [path for _, path, _, _ in rows],
            "rules.value": [_text(value) for _, _, value, _ in rows],
            "rules.from": [
                f"{mine}/{name}" if given else label("rules.from_default", lang)
                for name, _, _, given in rows
            ],
        }
    )
    styles = pd.Series(["" if given else "dim" for *_, given in rows], dtype="object")
    document = {
        "folder": str(rules.folder),
        "files": rules.overrides,
        "sha256": rules.digest(),
        "values": [
            {"file": name, "key": path, "value": value, "from_folder": given}
            for name, path, value, given in rows
        ],
    }
    columns = [
        Column("rules.file"),
        Column("rules.key"),
        Column("rules.value"),
        Column("rules.from", lead=True),
    ]
    note = rules_in_force(str(rules.folder), rules.overrides, rules.digest(), lang)
    return Report(document, [Sheet("title.rules_check", frame, columns, styles)], [note])
