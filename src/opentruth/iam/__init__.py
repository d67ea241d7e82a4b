"""The IAM policy language and its evaluator.

Parse documents with :func:`parse_policy`, validate them with
:func:`opentruth.iam.validate.validate_policy`, and decide requests with :class:`Evaluator`.
"""

from opentruth.iam.evaluate import (
    Decision,
    Evaluator,
    NamedPolicy,
    PolicySet,
    Request,
    Result,
    StatementRef,
    evaluate,
)
from opentruth.iam.findings import Finding, Severity
from opentruth.iam.policy import Condition, Policy, PolicyError, Statement, parse_policy

__all__ = [
    "Condition",
    "Decision",
    "Evaluator",
    "Finding",
    "NamedPolicy",
    "Policy",
    "PolicyError",
    "PolicySet",
    "Request",
    "Result",
    "Severity",
    "Statement",
    "StatementRef",
    "evaluate",
    "parse_policy",
]
