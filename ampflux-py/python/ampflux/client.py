"""A client of the hosted AmpFlux API (``ampflux-server``).

>>> client = ampflux.Client("https://ampflux.example", api_key="afk_...")   # doctest: +SKIP
>>> project = client.create_project("Plant")                                # doctest: +SKIP
>>> client.save(project, net, message="as built")                          # doctest: +SKIP
>>> result = client.short_circuit(project, fault="1ph", progress=True)      # doctest: +SKIP
>>> result.buses                                                            # doctest: +SKIP

The server computes with the same core as ``Network.short_circuit``; its report becomes the
same ``StudyResult`` (same DataFrames: columns, dtypes, index and row order) a local study
returns, built by the same code. Nothing is computed here.

Needs the ``client`` extra (``pip install "ampflux[client]"``): httpx for HTTP (one
connection pool reused by every call, HTTP/1.1 keep-alive, typed, timeouts per phase) and
httpx-sse for the server's progress stream.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    TextIO,
    Union,
)

from ampflux._ampflux import Issue, Network, StudyResult, __version__
from ampflux.errors import (
    AuthenticationError,
    ClientConnectionError,
    ServerError,
    SimulationFailedError,
    UnavailableError,
    _from_server,
)

try:
    import httpx
except ImportError:  # pragma: no cover - the `client` extra is not installed
    httpx = None  # type: ignore[assignment]

__all__ = [
    "ApiKey",
    "Client",
    "Progress",
    "Project",
    "Simulation",
    "Version",
    "VersionInfo",
]

API = "/api/v1"

#: Statuses after which a simulation does not change any more.
FINAL_STATUSES = frozenset({"succeeded", "failed", "dead", "deleted"})

#: Branch and voltage rows fetched per request (the server's largest page).
RESULT_ROWS_PER_PAGE = 1000

#: Items per request when listing (the server's largest page).
ITEMS_PER_PAGE = 100

#: How often a request refused with 429 (or a GET answered 503) is sent again.
RETRIES = 3

#: The longest wait before such a retry, in seconds, whatever ``Retry-After`` says.
MAX_RETRY_WAIT_S = 30.0

#: A progress stream with no event (not even the server's 15 s keep-alive) for this long is
#: opened again.
EVENTS_READ_TIMEOUT_S = 40.0


def _require_httpx() -> None:
    if httpx is None:  # pragma: no cover - the test environment has it
        raise ImportError('ampflux.Client needs httpx and httpx-sse: pip install "ampflux[client]"')


def _issue(value: Any) -> Issue:
    """An ``ampflux.Issue`` from one element of a server's ``issues`` list."""
    if not isinstance(value, Mapping):
        return Issue("error", "issue", str(value))
    severity = value.get("severity")
    return Issue(
        severity if severity in ("error", "warning") else "error",
        str(value.get("code") or "issue"),
        str(value.get("message") or ""),
        value.get("table"),
        value.get("element"),
        value.get("field"),
    )


def _issues(values: Any) -> List[Issue]:
    return [_issue(v) for v in values] if isinstance(values, list) else []


def _retry_after(response: httpx.Response) -> Optional[float]:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _error(response: httpx.Response) -> ServerError:
    """The exception for an error answer: the server's ``{code, message, issues}``."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    code = str(body.get("code") or f"http_{status}")
    message = str(body.get("message") or response.text[:500] or response.reason_phrase)
    return _from_server(
        status,
        code,
        message,
        _issues(body.get("issues")),
        request_id=response.headers.get("x-request-id"),
        retry_after=_retry_after(response),
    )


def _base_url(url: str) -> str:
    base = url.rstrip("/")
    if base.endswith(API):
        base = base[: -len(API)]
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"the server URL must start with http:// or https://, got {url!r}")
    return base


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Project:
    """A project of the caller's company."""

    id: str
    name: str
    description: str
    visibility: str
    owner_id: str
    created_at: str
    updated_at: str
    #: The caller's project role (``owner``, ``editor``, ``viewer``) if a member.
    my_role: Optional[str]
    #: What the caller may do: ``read``, ``write`` or ``manage``.
    access: str
    #: The server's whole answer (fields this version of the client does not know too).
    raw: Dict[str, Any] = field(repr=False, compare=False)

    @staticmethod
    def _of(d: Dict[str, Any]) -> "Project":
        return Project(
            id=d["id"],
            name=d["name"],
            description=d.get("description") or "",
            visibility=d.get("visibility") or "",
            owner_id=d.get("owner_id") or "",
            created_at=d.get("created_at") or "",
            updated_at=d.get("updated_at") or "",
            my_role=d.get("my_role"),
            access=d.get("access") or "",
            raw=d,
        )


@dataclass(frozen=True)
class Version:
    """The outcome of saving a network: the version that holds it."""

    #: Version number (from 1): new, or the latest when the content did not change.
    version: int
    #: SHA-256 of the canonical document (equals ``Network.digest()``).
    digest: str
    created_at: str
    #: Whether a new version was made (False: the content equals the latest version).
    created: bool
    #: The core's validation warnings (the document was saved).
    warnings: List[Issue]
    raw: Dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class VersionInfo:
    """A stored circuit version (without its document)."""

    version: int
    digest: str
    message: str
    restored_from: Optional[int]
    created_by: str
    created_at: str
    bus_count: int
    raw: Dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class ApiKey:
    """An API key of the caller's company; ``key`` (``afk_...``) only when just created:
    the server keeps a hash and cannot show it again."""

    id: str
    name: str
    #: The first characters of the key, to recognize it.
    prefix: str
    created_at: str
    key: Optional[str] = field(default=None, repr=False)
    #: When a program last used it (None until then; updated at most once a minute).
    last_used_at: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Progress:
    """The state of a simulation while it is waited for."""

    simulation_id: str
    #: ``queued``, ``running``, ``succeeded``, ``failed``, ``dead`` or ``deleted``.
    status: str
    #: Work units done and in all (0 until the server knows them).
    done: int
    total: int

    @property
    def fraction(self) -> Optional[float]:
        """``done / total`` (1.0 once succeeded), None while the total is not known."""
        if self.status == "succeeded":
            return 1.0
        return self.done / self.total if self.total > 0 else None

    @property
    def finished(self) -> bool:
        return self.status in FINAL_STATUSES


ProgressCallback = Callable[[Progress], None]
ProjectRef = Union[str, Project]
VersionSpec = Union[int, str]


class _PlainProgress:
    """``progress=True``: one line per change on ``stream`` (rewritten in place on a
    terminal), no third-party progress bar."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last = ""

    def __call__(self, p: Progress) -> None:
        frac = p.fraction
        share = f" ({frac:.0%})" if frac is not None else ""
        units = f" {p.done}/{p.total}" if p.total > 0 else ""
        line = f"simulation {p.simulation_id}: {p.status}{units}{share}"
        if line == self.last:
            return
        self.last = line
        if self.tty:
            end = "\n" if p.finished else ""
            self.stream.write("\r\x1b[2K" + line + end)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _reporter(progress: Union[None, bool, ProgressCallback]) -> Optional[ProgressCallback]:
    if progress is None or progress is False:
        return None
    if progress is True:
        return _PlainProgress(sys.stderr)
    if callable(progress):
        return progress
    raise TypeError("progress must be None, True/False or a callable taking a Progress")


def _project_id(project: ProjectRef) -> str:
    return project.id if isinstance(project, Project) else str(project)


# --------------------------------------------------------------------------- credentials


class _Tokens:
    """An access token with the refresh token of its session, refreshed before expiry."""

    def __init__(self, body: Mapping[str, Any], now: float) -> None:
        self.access = str(body["access_token"])
        self.refresh = str(body["refresh_token"])
        self.lifetime = float(body.get("expires_in") or 0)
        self.expires_at = now + self.lifetime

    def due(self, now: float) -> bool:
        """Whether to refresh now: within the last fifth of the lifetime (at most 60 s)."""
        if self.lifetime <= 0:
            return False
        return now >= self.expires_at - min(60.0, self.lifetime / 5)


# --------------------------------------------------------------------------- simulations


class Simulation:
    """A simulation on the server: a study of one circuit version, computed by a worker.

    ``wait()`` follows it (the server's progress stream, or polling) and ``result()``
    returns its ``StudyResult``. Attributes reflect the last answer of the server
    (``refresh()`` asks again).
    """

    def __init__(self, client: "Client", data: Dict[str, Any]) -> None:
        self._client = client
        self._data: Dict[str, Any] = {}
        self._result: Optional[StudyResult] = None
        #: How the last ``wait`` followed the simulation: ``"events"`` (the server's
        #: progress stream) or ``"polling"``; None before.
        self.followed_by: Optional[str] = None
        self._update(data)

    def _update(self, data: Dict[str, Any]) -> None:
        self._data = {**self._data, **data}

    @property
    def id(self) -> str:
        return str(self._data["id"])

    @property
    def status(self) -> str:
        """``queued``, ``running``, ``succeeded``, ``failed`` or ``dead``."""
        return str(self._data.get("status", ""))

    @property
    def finished(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def cached(self) -> bool:
        """Whether the same study (circuit digest and options) had been requested before."""
        return bool(self._data.get("cached", False))

    @property
    def project_id(self) -> Optional[str]:
        return self._data.get("project_id")

    @property
    def version(self) -> Optional[int]:
        """The circuit version it runs on."""
        return self._data.get("version")

    @property
    def study(self) -> Optional[Dict[str, Any]]:
        """The study options, every one spelled out (the format's option names)."""
        return self._data.get("study")

    @property
    def progress(self) -> Progress:
        p = self._data.get("progress") or {}
        return Progress(self.id, self.status, int(p.get("done", 0)), int(p.get("total", 0)))

    @property
    def error(self) -> Optional[SimulationFailedError]:
        """The stored error of a failed simulation, as the exception ``wait`` raises."""
        if self.status not in ("failed", "dead"):
            return None
        e = self._data.get("error") or {}
        return SimulationFailedError(
            str(e.get("message") or f"simulation {self.id} {self.status}"),
            str(e.get("code") or "simulation_failed"),
            _issues(e.get("issues")),
            simulation_id=self.id,
            simulation_status=self.status,
        )

    @property
    def raw(self) -> Dict[str, Any]:
        """The server's last answer about the simulation."""
        return dict(self._data)

    def __repr__(self) -> str:
        return f"Simulation(id={self.id!r}, status={self.status!r}, version={self.version!r})"

    def refresh(self) -> "Simulation":
        """Reads the simulation's state from the server again."""
        self._update(self._client._get_json(f"{API}/simulations/{self.id}", {"per_page": 1}))
        return self

    def wait(
        self,
        timeout: Optional[float] = None,
        progress: Union[None, bool, ProgressCallback] = None,
        poll_interval: float = 0.5,
        events: bool = True,
    ) -> "Simulation":
        """Blocks until the simulation finished; returns it.

        ``progress``: a callable receiving a ``Progress`` at every change (with the last,
        finished one at the end), or True for plain lines on stderr. The server's progress
        stream (SSE) is followed when ``events`` and the server offers it; otherwise, and
        whenever the stream breaks, the simulation is polled every ``poll_interval`` s.
        Raises ``TimeoutError`` after ``timeout`` s and ``SimulationFailedError`` when the
        study failed.
        """
        report = _reporter(progress)
        deadline = None if timeout is None else time.monotonic() + timeout
        last: List[Optional[Progress]] = [None]

        def tell(p: Progress) -> None:
            if report is not None and p != last[0]:
                last[0] = p
                report(p)

        if not self.finished:
            tell(self.progress)
            streamed = events and self._follow_events(deadline, tell)
            self.followed_by = "events" if streamed else "polling"
            if not streamed:
                self._poll(deadline, tell, poll_interval)
            self.refresh()
        tell(self.progress)
        failure = self.error
        if failure is not None:
            raise failure
        return self

    def _remaining(self, deadline: Optional[float]) -> Optional[float]:
        if deadline is None:
            return None
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"simulation {self.id} is still {self.status} after the timeout")
        return left

    def _follow_events(self, deadline: Optional[float], tell: ProgressCallback) -> bool:
        """Follows the server's event stream to its ``done`` event; False when the stream
        cannot be had or ends early (the caller then polls)."""
        _require_httpx()
        from httpx_sse import connect_sse

        left = self._remaining(deadline)
        read = EVENTS_READ_TIMEOUT_S if left is None else min(EVENTS_READ_TIMEOUT_S, left)
        timeout = httpx.Timeout(self._client.timeout, read=read)
        headers = {"accept": "text/event-stream", **self._client._auth_headers()}
        path = f"{API}/simulations/{self.id}/events"
        try:
            with connect_sse(
                self._client._http, "GET", path, headers=headers, timeout=timeout
            ) as source:
                if source.response.status_code != 200:
                    return False
                for sse in source.iter_sse():
                    try:
                        data = json.loads(sse.data) if sse.data else {}
                    except ValueError:
                        continue
                    if sse.event == "progress":
                        self._update(
                            {
                                "status": data.get("status", self.status),
                                "progress": {
                                    "done": data.get("done", 0),
                                    "total": data.get("total", 0),
                                },
                            }
                        )
                        tell(self.progress)
                    elif sse.event == "done":
                        self._update({"status": data.get("status", self.status)})
                        return True
                    self._remaining(deadline)
        except httpx.HTTPError:
            pass
        # the stream broke or ended without its done event; a timeout ends the wait
        self._remaining(deadline)
        return False

    def _poll(self, deadline: Optional[float], tell: ProgressCallback, interval: float) -> None:
        while True:
            self.refresh()
            tell(self.progress)
            if self.finished:
                return
            left = self._remaining(deadline)
            time.sleep(interval if left is None else min(interval, left))

    def result(
        self,
        timeout: Optional[float] = None,
        progress: Union[None, bool, ProgressCallback] = None,
    ) -> StudyResult:
        """The study's ``StudyResult`` (waiting for it first when it is not finished): every
        bus, branch and voltage row, fetched page by page, as the same object a local
        ``Network.short_circuit`` returns."""
        if self._result is not None:
            return self._result
        if not self.finished:
            self.wait(timeout=timeout, progress=progress)
        failure = self.error
        if failure is not None:
            raise failure
        self._result = StudyResult.from_json(json.dumps(self._report()))
        return self._result

    def _report(self) -> Dict[str, Any]:
        """The core's report with every branch and voltage row (the server pages them)."""
        rows: Dict[str, List[Any]] = {"branches": [], "voltages": []}
        report: Dict[str, Any] = {}
        page = 1
        while True:
            body = self._client._get_json(
                f"{API}/simulations/{self.id}",
                {"page": page, "per_page": RESULT_ROWS_PER_PAGE},
            )
            result = body.get("result")
            if not isinstance(result, dict):
                raise UnavailableError(
                    f"simulation {self.id} is {body.get('status')!r} but has no result",
                    "no_result",
                    status=None,
                )
            if page == 1:
                report = result
            for part in rows:
                rows[part].extend(result.get(part) or [])
            paging = body.get("result_page")
            if not isinstance(paging, dict):
                break  # a server that answers every row at once
            totals = {
                "branches": int(paging.get("branches_total", 0)),
                "voltages": int(paging.get("voltages_total", 0)),
            }
            if all(len(rows[p]) >= totals[p] for p in rows):
                break
            if not (result.get("branches") or result.get("voltages")):
                raise UnavailableError(
                    f"simulation {self.id}: page {page} is empty before the "
                    f"{totals['branches']} branch and {totals['voltages']} voltage rows",
                    "incomplete_result",
                    status=None,
                )
            page += 1
        report.update(rows)
        return report


# --------------------------------------------------------------------------- client


class Client:
    """A client of an AmpFlux server (``ampflux-server``), signed in with an API key or with
    an account's email and password.

    ``Client(url, api_key="afk_...")`` (or the ``AMPFLUX_API_KEY`` environment variable) is
    for programs; ``Client(url, email=..., password=...)`` signs in as a user and refreshes
    the access token before it expires. ``close()`` (or leaving a ``with`` block) ends the
    sign-in session on the server.

    Every failure raises a ``ServerError`` subclass carrying the server's ``code``,
    ``message`` and ``issues`` (``NotFoundError``, ``UnprocessableError``, ...; see
    ``ampflux.errors``). Safe to share between threads.
    """

    def __init__(
        self,
        url: str,
        api_key: Optional[str] = None,
        *,
        email: Optional[str] = None,
        password: Optional[str] = None,
        company_id: Optional[str] = None,
        timeout: float = 30.0,
        verify: Union[bool, str] = True,
        _tokens: Optional[Mapping[str, Any]] = None,
    ) -> None:
        _require_httpx()
        self.url = _base_url(url)
        self.timeout = float(timeout)
        self._http: httpx.Client = httpx.Client(
            base_url=self.url,
            timeout=httpx.Timeout(self.timeout),
            verify=verify,
            headers={"user-agent": f"ampflux-python/{__version__} httpx/{httpx.__version__}"},
        )
        self._lock = threading.Lock()
        self._clock: Callable[[], float] = time.monotonic
        self._api_key: Optional[str] = None
        self._tokens: Optional[_Tokens] = None
        if _tokens is not None:
            self._tokens = _Tokens(_tokens, self._clock())
        elif email is not None or password is not None:
            if api_key is not None:
                raise ValueError("give api_key, or email and password, not both")
            if not email or not password:
                raise ValueError("signing in needs both email and password")
            self._sign_in(email, password, company_id)
        else:
            key = api_key if api_key is not None else os.environ.get("AMPFLUX_API_KEY")
            if not key:
                raise ValueError(
                    "give api_key (or set AMPFLUX_API_KEY), or email and password"
                )
            self._api_key = key

    @classmethod
    def register(
        cls,
        url: str,
        *,
        email: str,
        password: str,
        name: str,
        company_name: Optional[str] = None,
        invitation: Optional[str] = None,
        timeout: float = 30.0,
    ) -> "Client":
        """Creates an account (a new company with ``company_name``, or joining one with an
        ``invitation``) and returns a client signed in as it."""
        body: Dict[str, Any] = {"name": name, "email": email, "password": password}
        if company_name is not None:
            body["company_name"] = company_name
        if invitation is not None:
            body["invitation"] = invitation
        _require_httpx()
        base = _base_url(url)
        try:
            response = httpx.post(f"{base}{API}/auth/register", json=body, timeout=timeout)
        except httpx.HTTPError as e:
            raise ClientConnectionError(f"{base}: {e}", status=None) from e
        if response.status_code >= 400:
            raise _error(response)
        return cls(url, timeout=timeout, _tokens=response.json())

    # -- plumbing

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        how = "api_key" if self._api_key else "session"
        return f"Client({self.url!r}, {how})"

    def close(self) -> None:
        """Ends the sign-in session (its tokens stop working) and closes the connections.
        An API key stays valid: revoke it with ``revoke_api_key``."""
        tokens, self._tokens = self._tokens, None
        try:
            if tokens is not None:
                try:
                    self._http.post(
                        f"{API}/auth/logout", json={"refresh_token": tokens.refresh}
                    )
                except Exception:  # the session expires by itself; closing must not fail
                    pass
        finally:
            self._http.close()

    def _sign_in(self, email: str, password: str, company_id: Optional[str]) -> None:
        body: Dict[str, Any] = {"email": email, "password": password}
        if company_id is not None:
            body["company_id"] = company_id
        response = self._send("POST", f"{API}/auth/login", json=body, authenticated=False)
        self._tokens = _Tokens(response.json(), self._clock())

    def _refresh(self, stale: Optional[str]) -> None:
        """Trades the refresh token for new tokens (once, if another thread has not already
        replaced ``stale``)."""
        with self._lock:
            tokens = self._tokens
            if tokens is None:
                raise AuthenticationError("the client is closed", "unauthorized", status=None)
            if stale is not None and tokens.access != stale:
                return
            response = self._send(
                "POST",
                f"{API}/auth/refresh",
                json={"refresh_token": tokens.refresh},
                authenticated=False,
            )
            self._tokens = _Tokens(response.json(), self._clock())

    def _auth_headers(self) -> Dict[str, str]:
        if self._api_key is not None:
            return {"authorization": f"Bearer {self._api_key}"}
        tokens = self._tokens
        if tokens is None:
            raise AuthenticationError("the client is closed", "unauthorized", status=None)
        if tokens.due(self._clock()):
            self._refresh(tokens.access)
            tokens = self._tokens
            assert tokens is not None
        return {"authorization": f"Bearer {tokens.access}"}

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = None,
        content: Optional[bytes] = None,
        headers: Optional[Mapping[str, str]] = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """One request, with a refreshed token, retried after 429 (and a GET after 503)
        as the server's ``Retry-After`` says; an error answer raises."""
        _require_httpx()
        refreshed = False
        attempt = 0
        while True:
            all_headers = dict(headers or {})
            sent_token: Optional[str] = None
            if authenticated:
                auth = self._auth_headers()
                all_headers.update(auth)
                sent_token = auth["authorization"][7:]
            try:
                response = self._http.request(
                    method, path, params=params, json=json, content=content, headers=all_headers
                )
            except httpx.HTTPError as e:
                raise ClientConnectionError(
                    f"{method} {self.url}{path}: {e}", status=None
                ) from e
            status = response.status_code
            if status < 400:
                return response
            if status == 401 and authenticated and self._tokens is not None and not refreshed:
                # expired early (clock skew) or revoked: one refresh, then the answer stands
                refreshed = True
                try:
                    self._refresh(sent_token)
                except ServerError:
                    raise _error(response) from None
                continue
            retriable = status == 429 or (status == 503 and method == "GET")
            if retriable and attempt < RETRIES:
                attempt += 1
                wait = _retry_after(response)
                time.sleep(min(MAX_RETRY_WAIT_S, wait if wait is not None else 2.0**attempt))
                continue
            raise _error(response)

    def _get_json(self, path: str, params: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        body = self._send("GET", path, params=params).json()
        if not isinstance(body, dict):
            raise UnavailableError(f"GET {path}: expected a JSON object", "bad_answer", status=None)
        return body

    def _pages(self, path: str) -> Iterator[Dict[str, Any]]:
        """Every item of a paginated list (``{items, total, page, per_page}``)."""
        page = 1
        seen = 0
        while True:
            body = self._get_json(path, {"page": page, "per_page": ITEMS_PER_PAGE})
            items = body.get("items") or []
            yield from items
            seen += len(items)
            if not items or seen >= int(body.get("total", seen)):
                return
            page += 1

    # -- account

    def me(self) -> Dict[str, Any]:
        """The caller (``GET /users/me``): id, name, email, role, company."""
        return self._get_json(f"{API}/users/me")

    # -- projects

    def projects(self) -> List[Project]:
        """Every project the caller can read, most recently changed first."""
        return [Project._of(d) for d in self._pages(f"{API}/projects")]

    def project(self, project: ProjectRef) -> Project:
        """One project (``NotFoundError`` when it does not exist or is not readable)."""
        return Project._of(self._get_json(f"{API}/projects/{_project_id(project)}"))

    def create_project(
        self,
        name: str,
        description: Optional[str] = None,
        visibility: Optional[str] = None,
    ) -> Project:
        """A new project; ``visibility`` ``company`` (default) or ``members``."""
        body: Dict[str, Any] = {"name": name}
        if description is not None:
            body["description"] = description
        if visibility is not None:
            body["visibility"] = visibility
        return Project._of(self._send("POST", f"{API}/projects", json=body).json())

    # -- circuit versions

    def save(
        self,
        project: ProjectRef,
        network: Union[Network, Mapping[str, Any], str],
        message: Optional[str] = None,
    ) -> Version:
        """Saves ``network`` (a ``Network``, a document dict, or JSON text) as a new version
        of the project's circuit. The server validates it with the core (``UnprocessableError``
        with ``issues`` naming element and field) and stores nothing new when the content
        equals the latest version (``created`` False)."""
        if isinstance(network, Network):
            text = network.to_json(indent=False)
        elif isinstance(network, str):
            text = network
        else:
            text = json.dumps(network)
        params = {"message": message} if message is not None else None
        d = self._send(
            "POST",
            f"{API}/projects/{_project_id(project)}/circuits",
            params=params,
            content=text.encode("utf-8"),
            headers={"content-type": "application/json"},
        ).json()
        return Version(
            version=int(d["version"]),
            digest=d["digest"],
            created_at=d.get("created_at") or "",
            created=bool(d.get("created", True)),
            warnings=_issues(d.get("warnings")),
            raw=d,
        )

    def versions(self, project: ProjectRef) -> List[VersionInfo]:
        """The project's circuit versions, newest first."""
        return [
            VersionInfo(
                version=int(d["version"]),
                digest=d["digest"],
                message=d.get("message") or "",
                restored_from=d.get("restored_from"),
                created_by=d.get("created_by") or "",
                created_at=d.get("created_at") or "",
                bus_count=int(d.get("bus_count") or 0),
                raw=d,
            )
            for d in self._pages(f"{API}/projects/{_project_id(project)}/circuits")
        ]

    def network(self, project: ProjectRef, version: VersionSpec = "latest") -> Network:
        """The network document of a version (a number, or ``"latest"``)."""
        d = self._get_json(f"{API}/projects/{_project_id(project)}/circuits/{version}")
        return Network.from_dict(d["network"])

    # -- simulations

    def simulate(
        self,
        project: ProjectRef,
        version: VersionSpec = "latest",
        fault: str = "3ph",
        case: str = "max",
        ip_method: str = "c",
        tk: float = 1.0,
        tmin: float = 0.1,
        buses: Union[str, Iterable[str], None] = None,
        branches: bool = False,
        *,
        priority: Optional[str] = None,
        **options: Any,
    ) -> Simulation:
        """Requests a study of a circuit version and returns the ``Simulation`` without
        waiting. The options are those of ``Network.short_circuit`` (same names, same
        defaults, any other study option of the format by its name); ``priority`` is
        ``low``, ``normal`` or ``high`` within the company's queue."""
        study = _study_options(fault, case, ip_method, tk, tmin, buses, branches, options)
        body: Dict[str, Any] = {"version": version, "study": study}
        if priority is not None:
            body["priority"] = priority
        d = self._send(
            "POST", f"{API}/projects/{_project_id(project)}/simulations", json=body
        ).json()
        return Simulation(self, d)

    def short_circuit(
        self,
        project: ProjectRef,
        version: VersionSpec = "latest",
        fault: str = "3ph",
        case: str = "max",
        ip_method: str = "c",
        tk: float = 1.0,
        tmin: float = 0.1,
        buses: Union[str, Iterable[str], None] = None,
        branches: bool = False,
        *,
        progress: Union[None, bool, ProgressCallback] = None,
        timeout: Optional[float] = None,
        **options: Any,
    ) -> StudyResult:
        """``simulate``, ``wait`` and ``result`` in one call: the ``StudyResult`` a local
        ``Network.short_circuit`` with the same options returns, computed by the server."""
        sim = self.simulate(
            project, version, fault, case, ip_method, tk, tmin, buses, branches, **options
        )
        return sim.result(timeout=timeout, progress=progress)

    def simulation(self, simulation_id: str) -> Simulation:
        """A simulation by its id."""
        return Simulation(
            self, self._get_json(f"{API}/simulations/{simulation_id}", {"per_page": 1})
        )

    def simulations(self, project: ProjectRef) -> List[Simulation]:
        """The project's simulations, newest first (results are fetched by ``result()``)."""
        path = f"{API}/projects/{_project_id(project)}/simulations"
        return [Simulation(self, d) for d in self._pages(path)]

    # -- API keys

    def create_api_key(self, name: str) -> ApiKey:
        """A new API key of the company; its ``key`` is shown this once."""
        return _api_key(self._send("POST", f"{API}/api-keys", json={"name": name}).json())

    def api_keys(self) -> List[ApiKey]:
        """The company's API keys (without the keys themselves)."""
        body = self._send("GET", f"{API}/api-keys").json()
        items = body.get("items", []) if isinstance(body, dict) else body
        return [_api_key(d) for d in items]

    def revoke_api_key(self, key: Union[str, ApiKey]) -> None:
        """Revokes an API key (by id or ``ApiKey``): programs using it get 401 from then on."""
        key_id = key.id if isinstance(key, ApiKey) else key
        self._send("DELETE", f"{API}/api-keys/{key_id}")


def _api_key(d: Dict[str, Any]) -> ApiKey:
    return ApiKey(
        id=str(d["id"]),
        name=d.get("name") or "",
        prefix=d.get("prefix") or "",
        created_at=d.get("created_at") or "",
        key=d.get("key"),
        last_used_at=d.get("last_used_at"),
        raw=d,
    )


def _study_options(
    fault: str,
    case: str,
    ip_method: str,
    tk: float,
    tmin: float,
    buses: Union[str, Iterable[str], None],
    branches: bool,
    options: Mapping[str, Any],
) -> Dict[str, Any]:
    """The study options with the format's names, as ``Network.short_circuit`` builds them
    from its arguments (``tk`` -> ``tk_s``, ``tmin`` -> ``tmin_s``, ``branches`` ->
    ``branch_results``); the server checks them as the core does."""
    study: Dict[str, Any] = {
        "fault": fault,
        "case": case,
        "ip_method": ip_method,
        "tk_s": tk,
        "tmin_s": tmin,
        "branch_results": bool(branches),
    }
    if buses is not None:
        study["buses"] = [buses] if isinstance(buses, str) else list(buses)
    for key, value in options.items():
        if value is None:
            continue  # absent and None read the same, as in Network.short_circuit
        if key == "line_faults":
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        study[key] = value
    return study
