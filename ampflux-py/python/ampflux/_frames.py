"""Result tables as pandas DataFrames (called by the extension module)."""

from __future__ import annotations

from typing import Any, Dict, List

import numpy as np


def frame(arrays: Dict[str, np.ndarray], index: List[str]) -> Any:
    """A DataFrame of ``arrays`` indexed by the ``index`` columns (element id first)."""
    import pandas as pd

    df = pd.DataFrame(arrays, copy=False)
    return df.set_index(index if len(index) > 1 else index[0])


def table(arrays: Dict[str, np.ndarray], attrs: Dict[str, Any]) -> Any:
    """A DataFrame of ``arrays`` with a plain row index and ``attrs`` in ``DataFrame.attrs``."""
    import pandas as pd

    df = pd.DataFrame(arrays, copy=False)
    df.attrs.update(attrs)
    return df
