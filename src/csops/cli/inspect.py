"""`csops inspect`: what every input file is, and what is wrong with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import typer

from csops.cli.common import (
    DataOpt,
    EncodingOpt,
    FormatOpt,
    LangOpt,
    OutOpt,
    RulesOpt,
    handle_errors,
    open_inputs,
    open_rules,
    out_console,
    pick_lang,
)
from csops.errors import EXIT_DATA
from csops.ingest.discover import FileReport, Inputs
from csops.ingest.schemas import KINDS
from csops.report.labels import label
from csops.report.output import Column, Report, Sheet, emit


def file_document(report: FileReport) -> dict[str, Any]:
    src = report.source
    return {
        "file": report.display,
        "kind": report.kind,
        "encoding": src.encoding if src else None,
        "sheet": src.sheet if src else None,
        "header_row": src.header_row if src else None,
        "rows": report.rows,
        "date_range": list(report.date_range) if report.date_range else None,
        "columns": (
            {name: src.headers[pos] for name, pos in src.match.mapping.items()}
            if src and src.match
            else {}
        ),
        "problems": ([report.error] if report.error else []) + [str(p) for p in report.problems],
    }


def inspect_report(inputs: Inputs, lang: str) -> Report:
    docs = [file_document(r) for r in inputs.files]
    rows = []
    for doc, rep in zip(docs, inputs.files, strict=True):
        problems = [p.removeprefix(rep.display + ": ") for p in doc["problems"]]
        rows.append(
            {
                "file": doc["file"],
                "kind": label(f"kind.{doc['kind']}", lang)
                if doc["kind"]
                else label("unknown", lang),
                "encoding": doc["encoding"] or "",
                "sheet": doc["sheet"] or "",
                "header_row": doc["header_row"] or "",
                "rows": doc["rows"] if doc["rows"] is not None else "",
                "date_range": " ~ ".join(doc["date_range"]) if doc["date_range"] else "",
                "problems": "\n".join(problems) or label("ok", lang),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "file",
            "kind",
            "encoding",
            "sheet",
            "header_row",
            "rows",
            "date_range",
            "problems",
        ],
    )
    styles = pd.Series(["red" if d["problems"] else "" for d in docs], dtype="object")
    columns = [
        Column("file"),
        Column("kind"),
        Column("encoding"),
        Column("sheet"),
        Column("header_row", "int"),
        Column("rows", "int"),
        Column("date_range"),
        Column("problems"),
    ]
    return Report(
        document={"files": docs, "notes": inputs.notes},
        sheets=[Sheet("title.inspect", frame, columns, styles)],
        notes=inputs.notes,
    )


@handle_errors
def inspect(
    data: DataOpt = Path("."),
    rules: RulesOpt = None,
    encoding: EncodingOpt = None,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Show every input file: detected kind, encoding, header row, rows, problems."""
    rule_set = open_rules(rules)
    inputs = open_inputs(rule_set, data, encoding)
    inputs.load(KINDS, strict=False, lazy=True)
    report = inspect_report(inputs, pick_lang(rule_set, lang))
    emit(report, fmt, out, pick_lang(rule_set, lang), out_console())
    if any(doc["problems"] for doc in report.document["files"]):
        raise typer.Exit(EXIT_DATA)
