"""Smoke test of the sample-year generator: the year's story is applied to a month."""

from __future__ import annotations

from pathlib import Path

from tools.samplegen_year import month_seed, write_month

from csops.domain.period import Month
from csops.ingest.discover import Inputs
from csops.rules import RuleSet

from ..conftest import score_of


def scores(rules: RuleSet, folder: Path, month: str) -> dict[str, float]:
    result = score_of(Inputs.scan(rules, folder), rules, Month.parse(month))
    return dict(zip(result.staff["staff_id"], result.staff["score"], strict=True))


def test_june_and_october_follow_the_story(rules: RuleSet, tmp_path: Path) -> None:
    write_month(tmp_path / "06", "2026-06", month_seed(7, 6), 60, 400)
    got = scores(rules, tmp_path / "06", "2026-06")
    # June: 1003 keeps her 30-min late and gets two attitude complaints (7.5); 1007 none of hers.
    assert (got["1001"], got["1003"], got["1007"], got["1008"]) == (10.0, 7.5, 10.0, 8.5)
    write_month(tmp_path / "10", "2026-10", month_seed(7, 10), 60, 400)
    got = scores(rules, tmp_path / "10", "2026-10")
    # October: 1007 keeps her late, her 年假 and her five attitude complaints; 1003 nothing.
    assert (got["1003"], got["1007"], got["1002"], got["1004"]) == (10.0, -0.5, 4.0, -2.0)


def test_roster_dates_are_the_same_every_month(rules: RuleSet, tmp_path: Path) -> None:
    write_month(tmp_path, "2026-03", month_seed(7, 3), 60, 400)
    roster = Inputs.scan(rules, tmp_path).load(["roster"]).frame("roster").set_index("staff_id")
    assert str(roster.loc["1006", "left_on"].date()) == "2026-12-20"
    assert str(roster.loc["1008", "hired_on"].date()) == "2026-01-13"
    assert roster["left_on"].drop("1006").isna().all()
