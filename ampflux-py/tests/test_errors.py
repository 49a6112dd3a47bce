"""The exception tree: every core error code arrives as its class with `.code`; no input
crashes the interpreter."""

from __future__ import annotations

import json
import pickle
import random

import pytest

import ampflux
from ampflux import errors


def test_tree() -> None:
    for cls in (ampflux.FormatError, ampflux.ValidationError, ampflux.OptionError,
                ampflux.TopologyError, ampflux.SolverError, ampflux.ConflictError,
                ampflux.InternalError):
        assert issubclass(cls, ampflux.AmpFluxError)
    assert issubclass(ampflux.OptionError, ampflux.ValidationError)
    assert issubclass(ampflux.FormatError, ValueError)
    assert issubclass(ampflux.ValidationError, ValueError)


@pytest.mark.parametrize("code, cls", [
    ("format_error", ampflux.FormatError),
    ("unsupported_version", ampflux.FormatError),
    ("validation_error", ampflux.ValidationError),
    ("invalid_option", ampflux.OptionError),
    ("topology_error", ampflux.TopologyError),
    ("solver_error", ampflux.SolverError),
    ("conflict", ampflux.ConflictError),
    ("internal_error", ampflux.InternalError),
])
def test_every_core_code_has_a_class(code: str, cls: type) -> None:
    exc = errors._from_core(code, "message", [])
    assert type(exc) is cls and exc.code == code and exc.issues == []


def test_format_errors() -> None:
    with pytest.raises(ampflux.FormatError) as err:
        ampflux.Network.from_json('{"buses": [')
    assert err.value.code == "format_error"
    with pytest.raises(ampflux.FormatError) as err:
        ampflux.Network.from_json('{"buses": [{"id": "A", "vn_kv": 1, "colour": 3}]}')
    assert err.value.path.startswith("buses[0]") and "colour" in str(err.value)
    with pytest.raises(ampflux.FormatError) as err:
        ampflux.Network.from_json('{"format": "ampflux-network", "version": 99}')
    assert err.value.code == "unsupported_version"
    with pytest.raises(ampflux.FormatError):
        ampflux.Network.from_json('{"format": "something-else", "version": 1}')
    with pytest.raises(TypeError):
        ampflux.Network.from_json(42)  # type: ignore[arg-type]


def test_validation_error_carries_every_issue() -> None:
    net = ampflux.Network()
    net.add_bus("A", vn_kv=0.0)
    net.add_bus("A", vn_kv=10.0)
    net.add_external_grid("Q", bus="Z", s_sc_max_mva=-5)
    with pytest.raises(ampflux.ValidationError) as err:
        net.short_circuit()
    exc = err.value
    assert exc.code == "validation_error" and len(exc.issues) >= 3
    assert all(isinstance(i, ampflux.Issue) for i in exc.issues)
    fields = {(i.element, i.field) for i in exc.issues if i.is_error()}
    assert ("Q", "bus") in fields


def test_option_errors(small: ampflux.Network) -> None:
    with pytest.raises(ampflux.OptionError) as err:
        small.short_circuit(fault="4ph")
    assert err.value.code == "invalid_option" and err.value.option == "fault"
    assert err.value.issues[0].field == "fault"
    with pytest.raises(ampflux.OptionError, match="faults"):
        small.short_circuit(faults="3ph")
    with pytest.raises(ampflux.OptionError, match="tk_s"):
        small.short_circuit(tk=-1.0)
    with pytest.raises(ampflux.OptionError):
        small.short_circuit(tk=float("nan"))
    with pytest.raises(ampflux.OptionError):
        small.short_circuit(lv_tolerance_percent=7)
    with pytest.raises(ampflux.OptionError):
        small.short_circuit(buses=3)
    with pytest.raises(ampflux.AmpFluxError):
        small.short_circuit(buses=["NOPE"])
    with pytest.raises(ampflux.OptionError):
        small.short_circuit(line_faults=[("C1", 1.5)])


def test_conflict_error(small: ampflux.Network) -> None:
    other = small.copy()
    other.add_bus("X", vn_kv=0.4)
    changes = small.diff(other)
    with pytest.raises(ampflux.ConflictError) as err:
        other.apply(changes)  # X exists already
    assert err.value.code == "conflict"


def test_exceptions_pickle_with_code_and_issues() -> None:
    net = ampflux.Network()
    net.add_bus("A", vn_kv=-1.0)
    with pytest.raises(ampflux.ValidationError) as err:
        net.short_circuit()
    back = pickle.loads(pickle.dumps(err.value))
    assert type(back) is ampflux.ValidationError
    assert back.code == "validation_error" and back.issues == err.value.issues
    with pytest.raises(ampflux.FormatError) as ferr:
        ampflux.Network.from_json('{"buses": 1}')
    fback = pickle.loads(pickle.dumps(ferr.value))
    assert fback.path == ferr.value.path


def test_deeply_nested_input_is_refused_not_a_crash() -> None:
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    net = ampflux.Network()
    with pytest.raises(ampflux.FormatError, match="nested deeper"):
        net.add_bus("A", vn_kv=1.0, meta={"x": deep})
    with pytest.raises(ampflux.FormatError):
        ampflux.Network.from_json('{"meta": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ampflux.FormatError):
        ampflux.Network.from_dict({"buses": [{"id": "A", "vn_kv": 1.0, "meta": {"x": deep}}]})


def _mutate(value: object, rng: random.Random) -> object:
    choices = [None, -1, 0, 1e308, -1e-300, "", "x", [], {}, True, 1.5, "Dyn", "YNyn0d5"]
    if isinstance(value, dict):
        out = dict(value)
        if out and rng.random() < 0.7:
            key = rng.choice(sorted(out))
            out[key] = _mutate(out[key], rng) if rng.random() < 0.5 else rng.choice(choices)
        elif out:
            out.pop(rng.choice(sorted(out)))
        return out
    if isinstance(value, list):
        out_l = list(value)
        if out_l and rng.random() < 0.8:
            i = rng.randrange(len(out_l))
            out_l[i] = _mutate(out_l[i], rng)
        elif out_l:
            out_l.append(rng.choice(out_l))
        return out_l
    return rng.choice(choices)


def test_no_input_crashes_the_interpreter(industrial: ampflux.Network) -> None:
    """Randomly damaged documents and options end in an AmpFluxError or a result, never in a
    panic or a crash."""
    doc = industrial.to_dict()
    rng = random.Random(60909)
    outcomes = {"ok": 0, "error": 0}
    for _ in range(300):
        bad = doc
        for _ in range(rng.randint(1, 4)):
            bad = _mutate(bad, rng)  # type: ignore[assignment]
        try:
            net = ampflux.Network.from_json(json.dumps(bad))
            net.short_circuit(fault=rng.choice(["3ph", "1ph", "2ph", "2phe"]),
                              case=rng.choice(["max", "min"]), branches=rng.random() < 0.3)
            outcomes["ok"] += 1
        except ampflux.InternalError:  # a panic in the core would land here: fail loudly
            raise
        except ampflux.AmpFluxError:
            outcomes["error"] += 1
    assert outcomes["error"] > 0 and outcomes["ok"] > 0
