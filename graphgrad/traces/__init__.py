"""Evaluated traces (forward primal, forward tangent, reverse adjoint) and their formats."""
from .record import AdjointRow, Row, Trace, record
from .formats import FORMATS, as_dict
