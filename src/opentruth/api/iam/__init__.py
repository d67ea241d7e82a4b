"""The IAM API (query protocol, XML responses), as boto3's ``iam`` client calls it."""

from __future__ import annotations

from opentruth.api.dispatch import Handler, Operation, query_service
from opentruth.api.iam import details, policies, roles, simulate, users

OPERATIONS: dict[str, Operation] = {
    **roles.OPERATIONS,
    **policies.OPERATIONS,
    **users.OPERATIONS,
    **simulate.OPERATIONS,
    **details.OPERATIONS,
}


def iam_handler() -> Handler:
    """The handler to register as service ``iam``."""
    return query_service("iam", OPERATIONS)
