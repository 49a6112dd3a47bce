"""The AmpFlux exception tree.

Every error of the core arrives as an instance of one of these classes, with the core's
stable ``code`` and, for validation problems, the list of ``issues`` (each naming table,
element and field)::

    AmpFluxError                  any AmpFlux failure; .code, .issues
    ├── FormatError               format_error, unsupported_version (.path)   also ValueError
    ├── ValidationError           validation_error (.issues)                  also ValueError
    │   └── OptionError           invalid_option (.option)
    ├── TopologyError             topology_error
    ├── SolverError               solver_error
    ├── ConflictError             conflict (a change set does not apply)
    ├── InternalError             internal_error (a bug in AmpFlux: please report)
    └── ServerError               an AmpFlux server answered {code, message, issues} (.status)
        ├── BadRequestError           400 the request could not be read        also ValueError
        ├── AuthenticationError       401 missing, wrong, expired or revoked credential
        ├── PlanLimitError            402 a limit of the company's plan
        ├── PermissionDeniedError     403 the role or a feature does not allow it
        ├── NotFoundError             404 no such resource (or another company's)
        ├── RequestConflictError      409 the request conflicts with stored state
        ├── PayloadTooLargeError      413 the body is over the server's limit
        ├── UnprocessableError        422 invalid fields or network (.issues)   also ValueError
        ├── RateLimitError            429 too many requests (.retry_after in s)
        ├── UnavailableError          5xx the server or a service behind it failed
        ├── SimulationFailedError     the study of a simulation failed (.simulation_id;
        │                             .code is the core's: validation_error, topology_error, ...)
        └── ClientConnectionError     no answer: connection refused, timed out, reset
                                      (.status is None)                  also ConnectionError

``ServerError`` and its subclasses come from ``ampflux.Client`` (an AmpFlux server over HTTP).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Tuple, Type

if TYPE_CHECKING:
    from ampflux._ampflux import Issue

__all__ = [
    "AmpFluxError",
    "FormatError",
    "ValidationError",
    "OptionError",
    "TopologyError",
    "SolverError",
    "ConflictError",
    "InternalError",
    "ServerError",
    "BadRequestError",
    "AuthenticationError",
    "PlanLimitError",
    "PermissionDeniedError",
    "NotFoundError",
    "RequestConflictError",
    "PayloadTooLargeError",
    "UnprocessableError",
    "RateLimitError",
    "UnavailableError",
    "SimulationFailedError",
    "ClientConnectionError",
]


class AmpFluxError(Exception):
    """Base class of every AmpFlux error; ``code`` is the core's stable error code."""

    default_code = "ampflux_error"

    def __init__(
        self,
        message: str,
        code: Optional[str] = None,
        issues: Iterable[Issue] = (),
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.message: str = message
        self.code: str = code or self.default_code
        self.issues: List[Issue] = list(issues)
        self.details: Dict[str, Any] = dict(details)
        for key, value in details.items():
            setattr(self, key, value)

    def __reduce__(self) -> Tuple[Any, ...]:
        # keep code, issues and details across pickling (multiprocessing, Dask, Ray)
        return (_rebuild, (type(self), self.message, self.code, self.issues, self.details))


class FormatError(AmpFluxError, ValueError):
    """The document is not valid JSON, does not match the format (unknown field, wrong type;
    ``path`` names the value), or has a format version this build cannot read."""

    default_code = "format_error"
    path: Optional[str] = None


class ValidationError(AmpFluxError, ValueError):
    """The network failed validation: ``issues`` lists every problem."""

    default_code = "validation_error"


class OptionError(ValidationError):
    """A study option is unknown, has a wrong type, or is out of range (``option``)."""

    default_code = "invalid_option"
    option: Optional[str] = None


class TopologyError(AmpFluxError):
    """The topology makes the requested study impossible."""

    default_code = "topology_error"


class SolverError(AmpFluxError):
    """The linear algebra failed (singular or numerically broken system)."""

    default_code = "solver_error"


class ConflictError(AmpFluxError):
    """A change set does not apply to the network it is applied to."""

    default_code = "conflict"


class InternalError(AmpFluxError):
    """A bug inside AmpFlux (a caught panic); the interpreter keeps running."""

    default_code = "internal_error"


class ServerError(AmpFluxError):
    """An AmpFlux server refused or failed a request: ``status`` is the HTTP status, ``code``,
    ``message`` and ``issues`` are the server's ``{code, message, issues}`` body, and
    ``request_id`` the server's ``x-request-id`` (quote it when reporting a problem)."""

    default_code = "server_error"
    status: Optional[int] = None
    request_id: Optional[str] = None


class BadRequestError(ServerError, ValueError):
    """400: the request could not be read (malformed JSON, a bad query parameter)."""

    default_code = "bad_request"


class AuthenticationError(ServerError):
    """401: the credential is missing, wrong, expired or revoked (also a failed sign-in)."""

    default_code = "unauthorized"


class PlanLimitError(ServerError):
    """402: a limit of the company's plan (projects, buses, simulations per day, ...)."""

    default_code = "plan_limit"


class PermissionDeniedError(ServerError):
    """403: the caller's role, or a feature switched off on the server, does not allow it."""

    default_code = "forbidden"


class NotFoundError(ServerError):
    """404: no such resource, or one of another company (the server does not tell apart)."""

    default_code = "not_found"


class RequestConflictError(ServerError):
    """409: the request conflicts with what the server holds."""

    default_code = "conflict"


class PayloadTooLargeError(ServerError):
    """413: the body is larger than the server accepts."""

    default_code = "too_large"


class UnprocessableError(ServerError, ValueError):
    """422: invalid fields, study options or network document; ``issues`` names every
    problem (table, element, field) as the core found it."""

    default_code = "validation_error"


class RateLimitError(ServerError):
    """429: too many requests; ``retry_after`` is the server's ``Retry-After`` in seconds."""

    default_code = "rate_limited"
    retry_after: Optional[float] = None


class UnavailableError(ServerError):
    """5xx: the server, its database, its queue or a service behind it failed or timed out."""

    default_code = "unavailable"


class SimulationFailedError(ServerError):
    """A simulation ended ``failed`` or ``dead``: ``code``, ``message`` and ``issues`` are the
    error the server stored for its study (the core's codes: ``validation_error``,
    ``topology_error``, ...); ``simulation_id`` names the simulation."""

    default_code = "simulation_failed"
    simulation_id: Optional[str] = None


class ClientConnectionError(ServerError, ConnectionError):
    """The server did not answer: connection refused or reset, or a timeout."""

    default_code = "connection_error"


_BY_STATUS: Dict[int, Type[ServerError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PlanLimitError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: RequestConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableError,
    429: RateLimitError,
}


def _from_server(
    status: int, code: str, message: str, issues: List[Any], **details: Any
) -> ServerError:
    """The exception for an HTTP error answer of an AmpFlux server."""
    cls = _BY_STATUS.get(status) or (UnavailableError if status >= 500 else ServerError)
    return cls(message, code, issues, status=status, **details)


_BY_CODE: Dict[str, Type[AmpFluxError]] = {
    "format_error": FormatError,
    "unsupported_version": FormatError,
    "validation_error": ValidationError,
    "invalid_option": OptionError,
    "topology_error": TopologyError,
    "solver_error": SolverError,
    "conflict": ConflictError,
    "internal_error": InternalError,
}


def _from_core(code: str, message: str, issues: List[Issue], **details: Any) -> AmpFluxError:
    """Called by the extension module: the exception for a core error code."""
    cls = _BY_CODE.get(code, AmpFluxError)
    return cls(message, code, issues, **details)


def _rebuild(
    cls: Type[AmpFluxError],
    message: str,
    code: str,
    issues: List[Issue],
    details: Dict[str, Any],
) -> AmpFluxError:
    return cls(message, code, issues, **details)
