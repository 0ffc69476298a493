"""Records -> Appraisals: design label, evidence level, sample size, doses, PICO terms."""
from .appraise import appraise

__all__ = ["appraise"]
