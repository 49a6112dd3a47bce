"""Equipment duty from Python: ``Network.duty`` returns the native report's rows as a DataFrame."""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path
from typing import Any, Dict

import pandas as pd
import pytest

import ampflux

COLUMNS = ["element", "table", "check", "duty", "rating", "unit", "utilization_percent",
           "verdict", "fault", "location", "scenario", "note"]


def _cell(v: Any) -> Any:
    """A DataFrame cell as the JSON value it stands for (NaN and None are null)."""
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _same_rows(df: pd.DataFrame, checks: list) -> None:
    assert len(df) == len(checks)
    for (_, row), native in zip(df.iterrows(), checks):
        for key in COLUMNS:
            got, want = _cell(row[key]), native[key]
            if isinstance(want, float):
                assert got == pytest.approx(want, rel=1e-12, abs=0.0), (native["element"], key)
            else:
                assert got == want, (native["element"], native["check"], key, got, want)


@pytest.mark.parametrize("variant", ["default", "through_all"])
def test_rows_equal_the_native_report(data_dir: Path, variant: str) -> None:
    """The exported native report (``ampflux-testkit export``) row for row."""
    duty = data_dir / "duty"
    net = ampflux.Network.from_json(duty / "network.json")
    options: Dict[str, Any] = json.loads((duty / f"{variant}.options.json").read_text())
    native = json.loads((duty / f"{variant}.report.json").read_text())
    tk = options.pop("tk_s", 1.0)
    df = net.duty(tk=tk, **options)
    assert list(df.columns) == COLUMNS
    _same_rows(df, native["checks"])
    assert df.attrs["summary"] == native["summary"]
    assert df.attrs["study"] == native["study"]
    assert df.attrs["network_digest"] == native["network_digest"] == net.digest()
    assert df.attrs["cases"] == native["cases"]


def test_the_example_shows_every_verdict(industrial: ampflux.Network) -> None:
    df = industrial.duty()
    counts = df["verdict"].value_counts().to_dict()
    assert counts == {k: v for k, v in df.attrs["summary"].items() if v}
    assert set(counts) == {"pass", "marginal", "fail", "unrated"}
    failing = df[df.verdict == "fail"]
    assert ("Q-LV2", "breaking") in set(zip(failing.element, failing.check))
    assert ("C2", "cable_thermal") in set(zip(failing.element, failing.check))
    unrated = df[df.verdict == "unrated"]
    assert unrated["rating"].isna().all() and unrated["utilization_percent"].isna().all()
    assert (unrated["duty"] > 0).all()
    # worst first, as a page would show them
    worst = df.sort_values("utilization_percent", ascending=False).iloc[0]
    assert worst.element == "C2"


def test_scenarios_and_options(industrial: ampflux.Network) -> None:
    base = industrial.duty()
    tie = industrial.duty(scenarios="tie-closed")
    both = industrial.duty(scenarios=["base", "tie-closed"])
    every = industrial.duty(all_scenarios=True)

    def duty(df: pd.DataFrame) -> float:
        row = df[(df.element == "Q-LV2") & (df.check == "breaking")].iloc[0]
        return float(row.duty)

    assert duty(tie) > duty(base)
    assert duty(both) == duty(tie) == duty(every)
    assert set(every.scenario.dropna()) <= {"base", "tie-closed", "island"}
    through = industrial.duty(duty_basis="through", faults="3ph", marginal_percent=80)
    assert through.attrs["study"]["duty_basis"] == "through"
    assert through.attrs["study"]["faults"] == ["3ph"]
    assert set(through.fault.dropna()) == {"3ph"}
    assert duty(through) <= duty(base)


def test_errors_are_ampflux_exceptions(industrial: ampflux.Network,
                                       small: ampflux.Network) -> None:
    with pytest.raises(ampflux.OptionError) as e:
        industrial.duty(case="min")
    assert e.value.option == "case"
    with pytest.raises(ampflux.OptionError):
        industrial.duty(duty_basis="sideways")
    with pytest.raises(ampflux.OptionError):
        industrial.duty(scenarios="nope")
    small.add_switch("Q1", bus="Q", element="T1", closed=True, kind="breaker",
                     ratings={"breaking_ka": 16, "icw_ka": 16})
    with pytest.raises(ampflux.ValidationError) as e:
        small.duty()
    issue = next(i for i in e.value.issues if i.element == "Q1")
    assert issue.field == "ratings.icw_duration_s"


def test_meta_ratings_of_older_documents_are_moved(small: ampflux.Network) -> None:
    small.add_bus("B", vn_kv=0.4, meta={"icw_ka": 50, "ipk_ka": 105})
    bus = next(b for b in small.elements("buses") if b["id"] == "B")
    assert bus["ratings"] == {"ipk_ka": 105, "icw_ka": 50, "icw_duration_s": 1.0}
    assert "meta" not in bus


def test_duty_from_threads(industrial: ampflux.Network) -> None:
    """Two threads study at once (the core runs with the GIL released); both get the same
    rows."""
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(industrial.duty()))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0].equals(results[1])
