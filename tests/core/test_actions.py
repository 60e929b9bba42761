"""The Dashboard's to-do list repeats the sections' own verdicts, capped per area, money first."""
from __future__ import annotations

import math


def test_actions_come_from_the_sections_and_are_ordered(demo_build):
    _, result = demo_build
    acts = result["actions"]
    assert acts, "the demo must produce a to-do list"
    areas = [a["area"] for a in acts]
    assert all(areas.count(a) <= 3 for a in set(areas))
    stakes = [a["at_stake"] for a in acts]
    with_money = [s for s in stakes if s is not None]
    assert with_money == sorted(with_money, reverse=True)
    assert stakes[: len(with_money)] == with_money          # actions without a figure come last
    problem = [c for c in result["channels"] if c["class"] == "problem"]
    for c in problem:
        row = next(a for a in acts if a["item"] == c["channel"])
        assert row["action"] == c["action"] and math.isclose(row["at_stake"], abs(c["net_profit"]))
    lowered = [c for c in result["campaigns"] if c["suggestion"] == "lower_bid"]
    assert all(c["ad_profit"] < 0 for c in lowered)
