"""Where data models come from: local files and CDF, both turned into snapshots."""

from hatch_pygen.sources._cdf import OFFLINE_ENV, CdfSource, is_offline
from hatch_pygen.sources._file import load_model_file
from hatch_pygen.sources._snapshot import ModelSnapshot

__all__ = ["OFFLINE_ENV", "CdfSource", "ModelSnapshot", "is_offline", "load_model_file"]
