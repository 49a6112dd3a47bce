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
    └── InternalError             internal_error (a bug in AmpFlux: please report)
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
