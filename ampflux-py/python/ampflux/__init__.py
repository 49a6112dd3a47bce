"""AmpFlux: short-circuit currents per IEC 60909-0:2016, correct and fast.

>>> import ampflux
>>> net = ampflux.Network()
>>> net.add_bus("Q", vn_kv=20.0)
'Q'

See ``help(ampflux.Network)`` and the package README.
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
from ampflux.errors import (
    AmpFluxError,
    ConflictError,
    FormatError,
    InternalError,
    OptionError,
    SolverError,
    TopologyError,
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
    "from_pandapower",
    "to_pandapower",
]
