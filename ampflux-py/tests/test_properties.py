"""Property tests of the Python boundary (hypothesis): arbitrary documents, mutated valid
documents, arbitrary study options, change sets and histories never crash the interpreter and
never reach a panic of the core (``InternalError``); they either succeed or raise an
``AmpFluxError`` subclass with a non-empty ``.code`` (or, for an argument of the wrong Python
type, the ``TypeError`` every Python function raises). Successful studies return finite
currents at every location whose status is ``ok``.

Bounded: a fixed number of examples per test (``AMPFLUX_HYPOTHESIS_EXAMPLES``, default 150),
derandomized so that ``make test`` is reproducible; ``AMPFLUX_HYPOTHESIS_RANDOM=1`` explores
with fresh random examples instead.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, Callable, Dict, List

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import ampflux

from conftest import build_small

EXAMPLES = int(os.environ.get("AMPFLUX_HYPOTHESIS_EXAMPLES", "150"))
settings.register_profile(
    "ampflux",
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("AMPFLUX_HYPOTHESIS_RANDOM") != "1",
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ampflux")

CODES = {
    "format_error", "unsupported_version", "validation_error", "invalid_option",
    "topology_error", "solver_error", "conflict",
}
FAULTS = ["3ph", "2ph", "1ph", "2phe"]
TABLES = ["buses", "external_grids", "lines", "transformers", "transformers3w", "generators",
          "motors", "converters", "impedances", "switches", "loads", "shunts"]


def expect_clean(call: Callable[[], Any], type_errors: bool = False) -> Any:
    """Runs `call`: its result, or None when it raised an AmpFluxError with a known code.
    An InternalError (a panic in the core) or any other exception fails the test."""
    try:
        return call()
    except ampflux.InternalError as e:  # a panic caught at the boundary: a bug
        pytest.fail(f"internal error (panic in the core): {e}")
    except ampflux.AmpFluxError as e:
        assert isinstance(e.code, str) and e.code in CODES, (type(e), e.code, str(e))
        assert str(e), "an error without a message"
        return None
    except TypeError:
        if not type_errors:
            raise
        return None


def check_result(result: Any) -> None:
    """A successful study: finite I''k, i_p, I_th and κ at every location with status ok."""
    buses = result.buses
    for bus_id, row in buses.iterrows():
        if row["status"] != "ok":
            continue
        for col in ("ikss_ka", "ip_ka", "ith_ka", "kappa"):
            assert math.isfinite(row[col]), f"{bus_id}: {col} = {row[col]}"
    # the JSON of the result reads back
    json.loads(result.to_json())


# --------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------

KEYS = st.sampled_from([
    "id", "bus", "vn_kv", "buses", "lines", "transformers", "external_grids", "generators",
    "s_sc_max_mva", "rx_max", "x0x_max", "r0x0_max", "from_bus", "to_bus", "length_km",
    "r_ohm_per_km", "x_ohm_per_km", "hv_bus", "lv_bus", "sn_mva", "vn_hv_kv", "vn_lv_kv",
    "vk_percent", "vkr_percent", "vector_group", "format", "version", "frequency_hz", "meta",
    "in_service", "trafos", "f_hz", "name",
]) | st.text(max_size=8)

NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e-300, 5e-324, 1e300, -1.0, 0.4, 20.0, 110.0, 50.0]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=12),
                    st.sampled_from(["A", "B", "Dyn5", "YNd11", "ampflux-network", "3ph"]))
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)


def _base_documents() -> List[Dict[str, Any]]:
    """Valid documents to mutate: the README network and the industrial example."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    docs = [build_small().to_dict()]
    with open(os.path.join(root, "examples", "networks", "industrial_plant.json"),
              encoding="utf-8") as f:
        docs.append(json.load(f))
    return docs


BASES = _base_documents()


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    """A valid document with one to four edits: a field set to an arbitrary value or
    removed, an element removed, duplicated or given an arbitrary field, a table replaced."""
    doc = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    for _ in range(draw(st.integers(1, 4))):
        tables = [t for t in TABLES if isinstance(doc.get(t), list) and doc[t]]
        op = draw(st.integers(0, 6))
        if op == 6 or not tables:
            key = draw(st.sampled_from(TABLES + ["format", "version", "frequency_hz", "meta",
                                                 "name", "extra"]))
            doc[key] = draw(JSON)
            continue
        rows = doc[draw(st.sampled_from(tables))]
        i = draw(st.integers(0, len(rows) - 1))
        row = rows[i]
        if op <= 2 and isinstance(row, dict) and row:
            field = draw(st.sampled_from(sorted(row)))
            old = row[field]
            # mostly a value of the field's own type, so that many edits get past reading and
            # reach validation and the study
            if isinstance(old, (int, float)) and not isinstance(old, bool) and draw(st.booleans()):
                row[field] = draw(NUMBERS)
            elif isinstance(old, str) and draw(st.booleans()):
                row[field] = draw(st.sampled_from(["Q", "F", "G", "T1", "Dyn5", "YNd11", "Dd0",
                                                   "YNyn0d5", ""]) | st.text(max_size=4))
            else:
                row[field] = draw(JSON | NUMBERS)
        elif op == 3 and isinstance(row, dict) and row:
            del row[draw(st.sampled_from(sorted(row)))]
        elif op == 4:
            rows.append(json.loads(json.dumps(row)))
        elif op == 5:
            rows.pop(i)
        elif isinstance(row, dict):
            row[draw(KEYS)] = draw(JSON)
    return doc


OPTION_NAMES = st.sampled_from([
    "topology", "c_max_lv", "c_min_lv", "c_max_hv", "c_min_hv", "kt_in_min_case",
    "r_fault_ohm", "x_fault_ohm", "r_earth_ohm", "x_earth_ohm", "line_faults", "method",
    "prefault_pu", "base_mva", "lv_tolerance_percent", "breaking_current", "tk_s", "tmin_s",
]) | st.text(min_size=1, max_size=10)
OPTION_VALUES = st.one_of(
    JSON,
    st.sampled_from(["auto", "meshed", "radial", "classical", "iec60909", "conservative",
                     "exact", 6.0, 10.0, 1.05, 0.95]),
    st.lists(st.tuples(st.sampled_from(["C1", "L1", "X", ""]), NUMBERS), max_size=3),
    st.floats(),  # NaN and infinities too
    st.just(object()),  # not convertible to JSON
)


@st.composite
def study_kwargs(draw: st.DrawFn) -> Dict[str, Any]:
    """Keyword arguments of `short_circuit`: usually well-typed fixed arguments, sometimes
    arbitrary ones, and arbitrary other options."""
    kw: Dict[str, Any] = {}
    if draw(st.booleans()):
        kw["fault"] = draw(st.sampled_from(FAULTS) | st.text(max_size=4))
    if draw(st.booleans()):
        kw["case"] = draw(st.sampled_from(["max", "min"]) | st.text(max_size=4))
    if draw(st.integers(0, 3)) == 0:
        kw["ip_method"] = draw(st.sampled_from(["b", "c", "a", ""]))
    if draw(st.integers(0, 3)) == 0:
        kw["tk"] = draw(st.floats())
    if draw(st.integers(0, 3)) == 0:
        kw["tmin"] = draw(st.floats())
    if draw(st.integers(0, 3)) == 0:
        kw["buses"] = draw(st.none() | st.text(max_size=3) | st.lists(st.text(max_size=3),
                                                                        max_size=3)
                           | st.sampled_from(["Q", "F", ["F", "G"]]))
    kw["branches"] = draw(st.booleans())
    for name, value in draw(st.dictionaries(OPTION_NAMES, OPTION_VALUES, max_size=3)).items():
        if name not in ("fault", "case", "ip_method", "tk", "tmin", "buses", "branches"):
            kw[name] = value
    return kw


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------

@given(st.binary(max_size=300) | JSON.map(lambda v: json.dumps(v, allow_nan=True).encode()))
def test_arbitrary_bytes_and_json_documents(data: bytes) -> None:
    net = expect_clean(lambda: ampflux.Network.from_json(data))
    if net is not None:
        expect_clean(net.validate)
        result = expect_clean(lambda: net.short_circuit(fault="1ph"))
        if result is not None:
            check_result(result)


@given(JSON)
def test_arbitrary_dicts(doc: Any) -> None:
    net = expect_clean(lambda: ampflux.Network.from_dict(doc), type_errors=True)
    if net is not None:
        # what reads writes a document that reads back to the same network
        back = ampflux.Network.from_json(net.to_json())
        assert back.digest() == net.digest()


def test_huge_python_ints_read_as_floats_like_json_text() -> None:
    """A Python int beyond 64 bits reads as the float the same number in JSON text gives."""
    doc = {"format": "ampflux-network", "version": 1, "frequency_hz": 50.0,
           "buses": [{"id": "A", "vn_kv": -(2**63) - 1}]}
    from_dict = ampflux.Network.from_dict(doc).to_dict()["buses"][0]["vn_kv"]
    from_json = ampflux.Network.from_json(json.dumps(doc)).to_dict()["buses"][0]["vn_kv"]
    assert from_dict == from_json == float(-(2**63) - 1)
    with pytest.raises(ampflux.FormatError) as err:
        ampflux.Network.from_dict({**doc, "buses": [{"id": "A", "vn_kv": 10**400}]})
    assert err.value.code == "format_error" and "buses[0].vn_kv" in str(err.value)


@given(mutated_documents(), st.sampled_from(FAULTS), st.sampled_from(["max", "min"]),
       st.booleans())
def test_mutated_valid_documents(doc: Any, fault: str, case: str, branches: bool) -> None:
    text = json.dumps(doc, allow_nan=True)
    net = expect_clean(lambda: ampflux.Network.from_json(text))
    also = expect_clean(lambda: ampflux.Network.from_dict(doc), type_errors=True)
    # the two readers agree on what they accept
    assert (net is None) == (also is None) or not isinstance(doc, dict), text[:500]
    if net is None:
        event("mutated: not read")
        return
    assert also is not None and also.digest() == net.digest()
    issues = expect_clean(lambda: net.validate(fault=fault))
    result = expect_clean(lambda: net.short_circuit(fault=fault, case=case, branches=branches))
    event("mutated: refused" if result is None else "mutated: solved")
    if result is not None:
        check_result(result)
        assert issues is not None and not any(i.is_error() for i in issues)


@given(st.sampled_from([0, 1]), study_kwargs())
def test_arbitrary_study_options(base: int, kwargs: Dict[str, Any]) -> None:
    net = ampflux.Network.from_dict(BASES[base])
    typed_ok = all(isinstance(kwargs.get(k, ""), str) for k in ("fault", "case", "ip_method"))
    result = expect_clean(lambda: net.short_circuit(**kwargs), type_errors=not typed_ok)
    event("options: refused" if result is None else "options: solved")
    if result is not None:
        check_result(result)
    # validate takes the same options
    expect_clean(lambda: net.validate(**kwargs), type_errors=True)
    # the network keeps working after whatever happened
    check_result(net.short_circuit())


@given(JSON, st.sampled_from(TABLES), st.text(max_size=5),
       st.dictionaries(KEYS, JSON, max_size=4))
def test_arbitrary_changes_and_elements(changes: Any, table: str, ident: str,
                                        fields: Dict[str, Any]) -> None:
    net = build_small()
    expect_clean(lambda: net.apply(changes), type_errors=True)
    expect_clean(lambda: net.apply(json.dumps(changes)), type_errors=True)
    expect_clean(lambda: ampflux.ChangeSet.from_json(json.dumps(changes)))
    expect_clean(lambda: ampflux.History.from_json(json.dumps(changes)))
    fields.pop("id", None)
    expect_clean(lambda: net.add(table, ident, **fields), type_errors=True)
    with pytest.raises(KeyError):  # an unknown table name is a KeyError (API misuse)
        net.add("no_" + table, ident, **fields)
    expect_clean(lambda: net.short_circuit(fault="1ph", branches=True))
    assert build_small().short_circuit().buses["ikss_ka"]["F"] > 0


def test_known_overflow_is_a_solver_error() -> None:
    """The fuzz finding `study-unit-generator-tiny-reactance` at the Python boundary: a
    SolverError with its code, not NaN results."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(root, "ampflux-core", "tests", "data", "fuzz",
                        "study-unit-generator-tiny-reactance.json")
    with open(path, encoding="utf-8") as f:
        case = json.load(f)
    net = ampflux.Network.from_dict(case["network"])
    with pytest.raises(ampflux.SolverError) as err:
        net.short_circuit()
    assert err.value.code == "solver_error" and "B3" in str(err.value)
