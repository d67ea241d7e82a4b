"""Automated data labeling (active learning): creation checks, the loop, models, thresholds.

:func:`check_create` runs when a job is created; :class:`AutoLabeling` is driven by the job
engine (:mod:`opentruth.labeling.runner`): ``start`` after ingest, ``advance`` after each
consolidation pass.
"""

from opentruth.labeling.autolabel.checks import check_create, enabled
from opentruth.labeling.autolabel.loop import AutoLabeling, final_model_arn

__all__ = ["AutoLabeling", "check_create", "enabled", "final_model_arn"]
