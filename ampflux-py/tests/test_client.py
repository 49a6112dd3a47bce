"""`ampflux.Client` against a real `ampflux-server serve` (embedded SQLite in a temporary
directory, in-process worker, a free port in 18800-18899): projects, saving a `Network` as a
circuit version, studies run by the server and returned as the same DataFrames a local study
gives, progress over the event stream and by polling, token refresh, the server's errors as
exceptions, API keys.

The server binary is `$AMPFLUX_SERVER_BIN`, or built here with
`cargo build --release -p ampflux-server` in the workspace's target directory.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import httpx
import pandas as pd
import pytest

import ampflux
from ampflux.client import Client, Progress, Simulation
from conftest import ROOT, build_small

PORTS = range(18800, 18900)
PASSWORD = "client tests use a long passphrase"
# the result frames of the server equal the local ones to this (relative and absolute; the
# report's numbers cross JSON twice, which serde_json and Python read back exactly)
TOLERANCE = 1e-9
# What the server under test offers, read from its /openapi.json when it starts: against a
# server before API keys (issue 17 part 3), the API-key tests skip. Every row table of a
# result comes in the order of the document (buses, branches, voltages), as a local study
# gives it: asserted against every server.
SERVER: Dict[str, bool] = {"api_keys": True}


def _free_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _server_binary() -> Path:
    given = os.environ.get("AMPFLUX_SERVER_BIN")
    if given:
        return Path(given)
    target = Path(os.environ.get("AMPFLUX_SERVER_TARGET", ROOT / "target"))
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "ampflux-server"],
        cwd=ROOT, env=env, check=True,
    )
    return target / "release" / "ampflux-server"


@contextlib.contextmanager
def _serve(**extra_env: str) -> Iterator[str]:
    """A fresh server (its own SQLite file, a free port) for the block; its base URL. Its
    log is printed when it fails to start."""
    binary = _server_binary()
    work = Path(tempfile.mkdtemp(prefix="ampflux-client-test-"))
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite://{work}/server.db?mode=rwc",
        AMPFLUX_BIND=f"127.0.0.1:{port}",
        AMPFLUX_SECRET_KEY="client-test-secret-key-of-32-bytes-or-more",
        AMPFLUX_WEB_DIR=str(work / "no-web"),
        AMPFLUX_LOG_FORMAT="pretty",
        RUST_LOG="warn",
        # a company per test: the tests measure the client, not the rate limiter
        AMPFLUX_RATE_LIMIT_REGISTER_IP="0",
        AMPFLUX_RATE_LIMIT_LOGIN_IP="0",
        AMPFLUX_RATE_LIMIT_LOGIN_EMAIL="0",
        **extra_env,
    )
    log = open(work / "server.log", "wb")
    proc = subprocess.Popen([str(binary), "serve"], cwd=work, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{url}/health", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        for _ in range(300):
            if proc.poll() is not None or healthy():
                break
            time.sleep(0.1)
        if proc.poll() is not None or not healthy():
            log.flush()
            pytest.fail("the server did not start:\n" + (work / "server.log").read_text())
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with _serve() as url:
        paths = httpx.get(f"{url}/openapi.json").json()["paths"]
        SERVER["api_keys"] = "/api/v1/api-keys" in paths
        yield url


@pytest.fixture
def api_keys(server: str) -> None:
    if not SERVER["api_keys"]:
        pytest.skip("this server has no API keys (ampflux-server before issue 17 part 3)")


@pytest.fixture(scope="module")
def idle_server() -> Iterator[str]:
    """A server without a worker: its simulations stay queued."""
    with _serve(AMPFLUX_IN_PROCESS_WORKER="false") as url:
        yield url


def _email() -> str:
    return f"client-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def account(server: str) -> Dict[str, str]:
    """The admin of a new company (one per test: the free plan allows 3 projects): email
    and password."""
    email = _email()
    Client.register(server, email=email, password=PASSWORD, name="Client Test",
                    company_name=f"Client Test {email}").close()
    return {"email": email, "password": PASSWORD}


@pytest.fixture
def client(server: str, account: Dict[str, str]) -> Iterator[Client]:
    with Client(server, email=account["email"], password=account["password"]) as c:
        yield c


@pytest.fixture
def project(client: Client) -> ampflux.Project:
    return client.create_project(f"Plant {uuid.uuid4().hex[:6]}", description="client tests")


def feeder(n: int) -> ampflux.Network:
    """A radial 20 kV feeder of `n` buses (ids not in alphabetical order: "B9" after
    "B10" would sort before it), fed at its head: enough branch and voltage rows to need
    several pages of the server's result (n * (n - 1) branch rows)."""
    net = ampflux.Network(frequency_hz=50, name=f"feeder {n}")
    ids = [f"B{(i * 7) % n}" for i in range(n)]
    for bus in ids:
        net.add_bus(bus, vn_kv=20.0)
    net.add_external_grid("Grid", bus=ids[0], s_sc_max_mva=500.0, rx_max=0.1,
                          s_sc_min_mva=400.0, x0x_max=1.0, r0x0_max=0.1)
    for i in range(1, n):
        net.add_line(f"L{i}", from_bus=ids[i - 1], to_bus=ids[i], length_km=0.5,
                     r_ohm_per_km=0.16, x_ohm_per_km=0.11, r0_ohm_per_km=0.5,
                     x0_ohm_per_km=0.35)
    return net


def assert_same_frames(remote: ampflux.StudyResult, local: ampflux.StudyResult) -> None:
    for table in ("buses", "branches", "voltages"):
        r, l = getattr(remote, table), getattr(local, table)
        # same columns in the same order, same dtypes, same index values and numbers ...
        pd.testing.assert_frame_equal(r.sort_index(), l.sort_index(), check_exact=False,
                                      rtol=TOLERANCE, atol=TOLERANCE)
        # ... in the same row order (the document's order, as a local study gives)
        assert list(r.index) == list(l.index), f"{table}: rows not in the local order"


# --------------------------------------------------------------------------- projects


def test_projects_create_list_get(client: Client) -> None:
    made = client.create_project("Substation 7", description="132/33 kV")
    assert made.name == "Substation 7" and made.description == "132/33 kV"
    assert made.access == "manage"
    listed = client.projects()
    assert made.id in [p.id for p in listed]
    got = client.project(made.id)
    assert got == made
    assert client.project(made) == made  # a Project works where an id does


def test_projects_list_every_page(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    made = {client.create_project(f"Paged {i}").id for i in range(3)}
    # pages of 2 (the server's largest is 100): the client follows `total` over 2 pages
    monkeypatch.setattr("ampflux.client.ITEMS_PER_PAGE", 2)
    assert {p.id for p in client.projects()} == made


# --------------------------------------------------------------------------- versions


def test_save_network_as_versions(client: Client, project: ampflux.Project) -> None:
    net = build_small()
    first = client.save(project, net, message="as built")
    assert (first.version, first.created) == (1, True)
    assert first.digest == net.digest()
    again = client.save(project, net)
    assert (again.version, again.created) == (1, False)  # same content: nothing new

    changed = net.copy()
    changed.add_bus("H", vn_kv=0.4)
    second = client.save(project, changed, message="bus H")
    assert (second.version, second.created, second.digest) == (2, True, changed.digest())

    history = client.versions(project)
    assert [v.version for v in history] == [2, 1]
    assert [v.message for v in history] == ["bus H", "as built"]
    assert history[1].bus_count == 3
    assert client.network(project).digest() == changed.digest()
    assert client.network(project, 1).digest() == net.digest()


# --------------------------------------------------------------------------- studies


def test_3ph_study_equals_the_local_one(client: Client, project: ampflux.Project) -> None:
    net = build_small()  # buses Q, F, G: not in alphabetical order
    client.save(project, net)
    seen: List[Progress] = []
    sim = client.simulate(project, fault="3ph", case="max")
    result = sim.result(progress=seen.append)
    local = net.short_circuit(fault="3ph", case="max")
    assert list(local.buses.index) == ["Q", "F", "G"]
    assert_same_frames(result, local)
    assert result.digest == net.digest() and result.study == local.study

    assert sim.followed_by == "events" and sim.status == "succeeded"
    assert seen, "the progress callback was called"
    assert seen[-1].status == "succeeded" and seen[-1].fraction == 1.0
    assert seen[-1].simulation_id == sim.id
    for p in seen:
        assert p.status in ("queued", "running", "succeeded")
        assert 0 <= p.done and (p.total == 0 or p.done <= p.total)


def test_study_options_as_local(client: Client, project: ampflux.Project) -> None:
    """The options of Network.short_circuit, by the same names: 1ph, min case, ip method b,
    tk, tmin, a subset of buses, and a format option by its name (c_max_lv)."""
    net = build_small()
    client.save(project, net)
    kwargs: Dict[str, Any] = dict(fault="1ph", case="min", ip_method="b", tk=0.5, tmin=0.05,
                                  buses=["G", "F"])
    result = client.short_circuit(project, **kwargs)
    assert_same_frames(result, net.short_circuit(**kwargs))
    hv = client.short_circuit(project, fault="3ph", c_max_lv=1.05, buses="F")
    assert_same_frames(hv, net.short_circuit(fault="3ph", c_max_lv=1.05, buses="F"))


def test_branch_results_of_every_page(client: Client, project: ampflux.Project) -> None:
    """Branch currents and bus voltages for 40 fault buses: 1560 branch and 1600 voltage
    rows, more than one page of the server's answer (1000 rows)."""
    net = feeder(40)
    client.save(project, net)
    result = client.short_circuit(project, fault="3ph", branches=True)
    local = net.short_circuit(fault="3ph", branches=True)
    assert len(result.branches) == 40 * 39 and len(result.voltages) == 40 * 40
    assert list(local.buses.index) == net.ids("buses")
    assert_same_frames(result, local)


def test_wait_by_polling(client: Client, project: ampflux.Project) -> None:
    net = build_small()
    client.save(project, net)
    seen: List[Progress] = []
    sim = client.simulate(project, fault="2ph")
    sim.wait(progress=seen.append, events=False, poll_interval=0.05)
    assert sim.followed_by == "polling" and seen[-1].status == "succeeded"
    assert_same_frames(sim.result(), net.short_circuit(fault="2ph"))


@pytest.mark.parametrize("events", [True, False])
def test_wait_times_out(idle_server: str, events: bool) -> None:
    """No worker runs the study: wait gives up after its timeout, from the event stream
    (its read timeout is the time left) and from polling."""
    with Client.register(idle_server, email=_email(), password=PASSWORD, name="Idle",
                         company_name=f"Idle {uuid.uuid4().hex[:6]}") as c:
        project = c.create_project("Idle")
        c.save(project, build_small())
        sim = c.simulate(project, fault="3ph")
        seen: List[Progress] = []
        began = time.monotonic()
        with pytest.raises(TimeoutError):
            sim.wait(timeout=1.5, progress=seen.append, events=events, poll_interval=0.2)
        assert 1.4 < time.monotonic() - began < 15
        assert sim.status == "queued" and seen and seen[-1].status == "queued"


def test_plain_progress_lines(client: Client, project: ampflux.Project,
                              capsys: pytest.CaptureFixture[str]) -> None:
    client.save(project, build_small())
    client.short_circuit(project, fault="3ph", case="min", progress=True)
    err = capsys.readouterr().err
    last = err.rstrip().splitlines()[-1]
    assert last.startswith("simulation ") and "succeeded" in last and last.endswith("(100%)")


def test_simulations_by_id_and_list(client: Client, project: ampflux.Project) -> None:
    net = build_small()
    client.save(project, net)
    sim = client.simulate(project, fault="3ph")
    sim.wait()
    again = client.simulation(sim.id)
    assert again.status == "succeeded" and again.version == 1
    assert again.study is not None and again.study["fault"] == "3ph"
    assert sim.id in [s.id for s in client.simulations(project)]
    assert_same_frames(again.result(), net.short_circuit())
    # the same study again is answered from the server's cache, with the same result
    cached = client.simulate(project, fault="3ph")
    assert cached.cached
    assert_same_frames(cached.result(), net.short_circuit())


# --------------------------------------------------------------------------- errors


def test_unknown_ids_raise_not_found(client: Client) -> None:
    with pytest.raises(ampflux.NotFoundError) as err:
        client.project("no-such-project")
    e = err.value
    assert isinstance(e, ampflux.ServerError) and isinstance(e, ampflux.AmpFluxError)
    assert (e.status, e.code) == (404, "not_found") and e.message
    with pytest.raises(ampflux.NotFoundError):
        client.simulation("no-such-simulation")
    with pytest.raises(ampflux.NotFoundError):
        client.simulate("no-such-project")


def test_invalid_network_raises_with_the_core_issues(client: Client,
                                                     project: ampflux.Project) -> None:
    document = build_small().to_dict()
    document["lines"][0]["to_bus"] = "Nowhere"
    with pytest.raises(ampflux.UnprocessableError) as err:
        client.save(project, document)
    e = err.value
    assert e.status == 422 and e.code == "validation_error"
    assert isinstance(e, ValueError)
    assert any(i.element == "C1" and i.field == "to_bus" for i in e.issues)
    assert all(isinstance(i, ampflux.Issue) for i in e.issues)


def test_invalid_option_raises(client: Client, project: ampflux.Project) -> None:
    client.save(project, build_small())
    with pytest.raises(ampflux.UnprocessableError) as err:
        client.simulate(project, fault="4ph")
    assert err.value.status == 422 and "fault" in str(err.value)
    with pytest.raises(ampflux.NotFoundError):
        client.simulate(project, version=99)


def test_wrong_password_and_key_raise_authentication_error(server: str,
                                                           account: Dict[str, str]) -> None:
    with pytest.raises(ampflux.AuthenticationError) as err:
        Client(server, email=account["email"], password="not the password at all")
    assert err.value.status == 401 and err.value.code
    with pytest.raises(ampflux.AuthenticationError):
        Client(server, api_key="afk_not_a_key").projects()


def test_no_server_raises_connection_error() -> None:
    port = _free_port()
    with pytest.raises(ampflux.ClientConnectionError) as err:
        Client(f"http://127.0.0.1:{port}", api_key="afk_x", timeout=2).projects()
    assert isinstance(err.value, ConnectionError) and err.value.status is None


def test_failed_simulation_raises_its_stored_error(client: Client) -> None:
    """A simulation the server marked failed raises its stored {code, message, issues}
    (made here from the server's answer shape: a study that fails in the worker is
    refused at request time by the server's own checks)."""
    sim = Simulation(client, {
        "id": "s1", "status": "failed",
        "error": {"code": "topology_error", "message": "bus X is unsupplied",
                  "issues": [{"severity": "error", "code": "unsupplied", "table": "buses",
                              "element": "X", "message": "no source"}]},
    })
    with pytest.raises(ampflux.SimulationFailedError) as err:
        sim.wait()
    e = err.value
    assert (e.code, e.simulation_id) == ("topology_error", "s1")
    assert e.issues[0].element == "X"


@pytest.mark.parametrize("status, body, cls, code", [
    (400, {"code": "bad_request", "message": "m"}, ampflux.errors.BadRequestError, "bad_request"),
    (402, {"code": "plan_limit", "message": "m"}, ampflux.PlanLimitError, "plan_limit"),
    (403, {"code": "forbidden", "message": "m"}, ampflux.PermissionDeniedError, "forbidden"),
    (409, {"code": "conflict", "message": "m"}, ampflux.errors.RequestConflictError,
     "conflict"),
    (413, {"code": "too_large", "message": "m"}, ampflux.errors.PayloadTooLargeError,
     "too_large"),
    (503, {"code": "unavailable", "message": "m"}, ampflux.errors.UnavailableError,
     "unavailable"),
    (502, None, ampflux.errors.UnavailableError, "http_502"),  # a proxy's HTML page
])
def test_every_status_has_its_exception(status: int, body: Any, cls: type, code: str) -> None:
    from ampflux.client import _error
    request = httpx.Request("GET", "http://server/api/v1/projects")
    response = (httpx.Response(status, json=body, request=request) if body is not None else
                httpx.Response(status, text="<html>Bad Gateway</html>", request=request))
    e = _error(response)
    assert type(e) is cls and e.code == code and e.status == status
    assert isinstance(e, ampflux.ServerError) and e.message


def test_rate_limit_error_carries_retry_after() -> None:
    from ampflux.client import _error
    request = httpx.Request("GET", "http://server/api/v1/projects")
    response = httpx.Response(429, json={"code": "rate_limited", "message": "slow down",
                                         "issues": []},
                              headers={"retry-after": "7", "x-request-id": "r-1"},
                              request=request)
    e = _error(response)
    assert isinstance(e, ampflux.RateLimitError)
    assert (e.retry_after, e.request_id, e.code) == (7.0, "r-1", "rate_limited")
    again = pickle.loads(pickle.dumps(e))  # crosses process pools intact
    assert type(again) is ampflux.RateLimitError and again.retry_after == 7.0


# --------------------------------------------------------------------------- sessions


def test_access_token_is_refreshed_before_expiry(client: Client) -> None:
    tokens = client._tokens
    assert tokens is not None
    old = tokens.refresh
    start = client._clock()
    # one second before the expiry: inside the margin, so the next call refreshes first
    # (the refresh token rotates; the access token may be the same text within a second)
    client._clock = lambda: start + tokens.lifetime - 1
    assert client.me()["email"]
    assert client._tokens is not None and client._tokens.refresh != old
    assert client._tokens.expires_at > start + tokens.lifetime


def test_a_refused_token_is_refreshed_once(client: Client) -> None:
    assert client._tokens is not None
    old = client._tokens.refresh
    client._tokens.access = "not-a-token"
    assert client.me()["email"]  # 401, refresh, retried
    assert client._tokens.refresh != old


def test_close_ends_the_session(server: str, account: Dict[str, str]) -> None:
    c = Client(server, email=account["email"], password=account["password"])
    tokens = c._tokens
    assert tokens is not None
    c.close()
    answer = httpx.post(f"{server}/api/v1/auth/refresh",
                        json={"refresh_token": tokens.refresh})
    assert answer.status_code == 401


# --------------------------------------------------------------------------- API keys


def test_api_keys_create_use_revoke(server: str, api_keys: None, client: Client,
                                    project: ampflux.Project) -> None:
    net = build_small()
    client.save(project, net)
    made = client.create_api_key("nightly studies")
    assert made.key is not None and made.key.startswith("afk_")
    assert made.key.startswith(made.prefix) and made.name == "nightly studies"
    listed = client.api_keys()
    assert made.id in [k.id for k in listed]
    assert all(k.key is None for k in listed)  # the server shows a key once

    with Client(server, api_key=made.key) as program:
        assert project.id in [p.id for p in program.projects()]
        seen: List[Progress] = []
        sim = program.simulate(project, fault="3ph", case="min")
        result = sim.result(progress=seen.append)
        assert sim.followed_by == "events" and seen[-1].status == "succeeded"
        assert_same_frames(result, net.short_circuit(fault="3ph", case="min"))
        with pytest.raises(ampflux.PermissionDeniedError):
            program.create_api_key("a key cannot make keys")

    client.revoke_api_key(made)
    assert made.id not in [k.id for k in client.api_keys()]
    with pytest.raises(ampflux.AuthenticationError) as err:
        Client(server, api_key=made.key).projects()
    assert (err.value.status, err.value.code) == (401, "invalid_api_key")
    with pytest.raises(ampflux.NotFoundError):
        client.revoke_api_key(made.id)


def test_api_key_from_the_environment(server: str, api_keys: None, client: Client,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    key = client.create_api_key("from the environment")
    assert key.key is not None
    monkeypatch.setenv("AMPFLUX_API_KEY", key.key)
    with Client(server) as program:
        assert program.me()["email"] == client.me()["email"]
    monkeypatch.delenv("AMPFLUX_API_KEY")
    with pytest.raises(ValueError):
        Client(server)


def test_readme_client_example_runs(server: str, api_keys: None, client: Client,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "ampflux-py" / "README.md").read_text()
    block = [b for b in re.findall(r"```python\n(.*?)```", readme, flags=re.S)
             if "ampflux.Client(" in b][0]
    key = client.create_api_key("readme")
    assert key.key is not None
    monkeypatch.setenv("AMPFLUX_API_KEY", key.key)
    scope: Dict[str, Any] = {"net": build_small()}
    exec(compile(block.replace("http://127.0.0.1:8000", server), "README.md", "exec"), scope)
    assert scope["version"].digest == build_small().digest()
    assert_same_frames(scope["result"], build_small().short_circuit(fault="1ph", case="min"))
