"""Human task UIs (worker task templates registered by name), as the SageMaker API manages them.

A UI's template is served to workers at ``<portal>/worker/human-task-uis/<name>``; describing it
gives that URL and the template's SHA-256, as AWS gives an S3 URL and the same digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opentruth.db import repo_sagemaker
from opentruth.db.models_sagemaker import HumanTaskUi
from opentruth.labeling.pages import page
from opentruth.labeling.resources import Resources


def task_ui_to_api(u: HumanTaskUi, portal: str) -> dict[str, Any]:
    """The DescribeHumanTaskUi response."""
    return {
        "HumanTaskUiArn": u.arn,
        "HumanTaskUiName": u.name,
        "HumanTaskUiStatus": u.status,
        "CreationTime": u.created_at,
        "UiTemplate": {"Url": f"{portal}/worker/human-task-uis/{u.name}", "ContentSha256": u.content_sha256},
    }


class HumanTaskUiService:
    """Create, describe, list and delete human task UIs."""

    def __init__(self, res: Resources) -> None:
        self.res = res

    def create(self, name: str, content: str) -> str:
        """CreateHumanTaskUi; returns the ``HumanTaskUiArn``."""
        with self.res.db.transaction() as s:
            return repo_sagemaker.create_human_task_ui(s, name, content, account_id=self.res.account).arn

    def describe(self, name: str) -> dict[str, Any]:
        """The DescribeHumanTaskUi response."""
        with self.res.db.read() as s:
            ui = repo_sagemaker.get_human_task_ui(s, name, account_id=self.res.account)
            return task_ui_to_api(ui, self.res.portal_url)

    def list(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The ListHumanTaskUis response: newest first unless ``SortOrder`` is Ascending."""
        with self.res.db.read() as s:
            items = [
                {"HumanTaskUiName": u.name, "HumanTaskUiArn": u.arn, "CreationTime": u.created_at}
                for u in repo_sagemaker.list_human_task_uis(s, account_id=self.res.account)
            ]
        if params.get("SortOrder", "Descending") == "Descending":
            items.reverse()
        return page(items, params, "HumanTaskUiSummaries")

    def delete(self, name: str) -> None:
        """DeleteHumanTaskUi."""
        with self.res.db.transaction() as s:
            repo_sagemaker.delete_human_task_ui(s, name, account_id=self.res.account)
