"""Early-warning framework engine: declarative frameworks scored with polars."""

from .framework import Framework, FrameworkError, available_frameworks, load_framework
from .scoring import score_frame

__all__ = ["Framework", "FrameworkError", "available_frameworks", "load_framework", "score_frame"]
