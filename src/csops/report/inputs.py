"""What every input file is and what is wrong with it: the `csops inspect` report (also the
Data quality sheet of `csops monthly`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from csops.ingest.discover import Inputs
from csops.ingest.scan import FileReport
from csops.report.labels import label
from csops.report.output import Column, Report, Sheet


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
        "notes": list(report.notes),
        # The other kinds the header could be, and what each lacks.
        "also_like": [m.describe() for m in src.candidates[:2]] if src else [],
    }


def inspect_report(inputs: Inputs, lang: str) -> Report:
    docs = [file_document(r) for r in inputs.files]
    rows = []
    for doc, rep in zip(docs, inputs.files, strict=True):
        problems = [p.removeprefix(rep.display + ": ") for p in doc["problems"]]
        problems += [n.removeprefix(rep.display + ": ") for n in doc["notes"]]
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
        Column("problems", lead=True),
    ]
    return Report(
        document={"files": docs, "notes": inputs.notes},
        sheets=[Sheet("title.inspect", frame, columns, styles)],
        notes=inputs.notes,
    )
