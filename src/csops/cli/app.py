"""The `csops` Typer application: every command group registers here."""

from __future__ import annotations

import typer

from csops import __version__
from csops.cli import chats as chats_cmd
from csops.cli import commission as commission_cmd
from csops.cli import grades as grades_cmd
from csops.cli import inspect as inspect_cmd
from csops.cli import kpi as kpi_cmd
from csops.cli import ledger as ledger_cmd
from csops.cli import monthly as monthly_cmd
from csops.cli import rules as rules_cmd
from csops.cli import score as score_cmd
from csops.cli import shipments as shipments_cmd

app = typer.Typer(
    name="csops",
    help="客服运营工具 csops: monthly scores, commission, chat KPIs and shipping lists "
    "from the exports a shop already has.",
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"csops {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """客服运营工具 csops."""


app.command("inspect")(inspect_cmd.inspect)
app.command("score")(score_cmd.score)
app.command("chats")(chats_cmd.chats)
app.command("commission")(commission_cmd.commission)
app.command("kpi")(kpi_cmd.kpi)
app.command("overdue-shipments")(shipments_cmd.overdue_shipments)
app.command("unpaid-orders")(shipments_cmd.unpaid_orders)
app.command("monthly")(monthly_cmd.monthly)
app.command("close")(ledger_cmd.close)
app.command("history")(ledger_cmd.history)
app.command("grade")(grades_cmd.grade)
app.add_typer(rules_cmd.rules_app, name="rules")


def main() -> None:
    app()
