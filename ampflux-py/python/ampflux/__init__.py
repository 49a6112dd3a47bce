"""AmpFlux: short-circuit currents per IEC 60909-0:2016, correct and fast.

>>> import ampflux
>>> net = ampflux.Network()
>>> net.add_bus("Q", vn_kv=20.0)
'Q'

See ``help(ampflux.Network)`` and the package README; ``ampflux.Client`` runs the same
studies on an AmpFlux server (``pip install "ampflux[client]"``).
"""

from ampflux._ampflux import (
    FORMAT_VERSION,
    TABLES,
    ChangeSet,
    History,
    Issue,
    MergeResult,
    Network,
    StudyResult,
    __version__,
    ieee1584,
    merge,
)
from ampflux.client import Client, Progress, Project, Simulation
from ampflux.errors import (
    AmpFluxError,
    AuthenticationError,
    ClientConnectionError,
    ConflictError,
    FormatError,
    InternalError,
    NotFoundError,
    OptionError,
    PermissionDeniedError,
    PlanLimitError,
    RateLimitError,
    ServerError,
    SimulationFailedError,
    SolverError,
    TopologyError,
    UnprocessableError,
    ValidationError,
)
from ampflux.pandapower import from_pandapower, to_pandapower

__all__ = [
    "FORMAT_VERSION",
    "TABLES",
    "ChangeSet",
    "History",
    "Issue",
    "MergeResult",
    "Network",
    "StudyResult",
    "__version__",
    "ieee1584",
    "merge",
    "AmpFluxError",
    "ConflictError",
    "FormatError",
    "InternalError",
    "OptionError",
    "SolverError",
    "TopologyError",
    "ValidationError",
    "Client",
    "Progress",
    "Project",
    "Simulation",
    "ServerError",
    "AuthenticationError",
    "ClientConnectionError",
    "NotFoundError",
    "PermissionDeniedError",
    "PlanLimitError",
    "RateLimitError",
    "SimulationFailedError",
    "UnprocessableError",
    "from_pandapower",
    "to_pandapower",
]
