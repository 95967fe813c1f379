"""Where data models come from: local files, CDF, and the snapshots both turn into."""

from hatch_pygen.sources._file import load_model_file
from hatch_pygen.sources._snapshot import ModelSnapshot

__all__ = ["ModelSnapshot", "load_model_file"]
