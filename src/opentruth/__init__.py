"""opentruth: a self-hosted labeling-job service that speaks the SageMaker Ground Truth API.

Every side effect of a labeling job is authorised by :mod:`opentruth.iam` against the job's
execution role, exactly as Ground Truth does it in AWS.
"""

__version__ = "0.1.0"
