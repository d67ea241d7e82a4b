"""The account's private workforce, as the SageMaker API manages it (one per region).

Responses have SageMaker's shapes. An OIDC workforce's ``ClientSecret`` is stored (the portal
needs it to talk to the identity provider) but never described back, as in AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opentruth.db import repo_sagemaker
from opentruth.db.models import Workforce
from opentruth.labeling.pages import page
from opentruth.labeling.resources import Resources


def workforce_to_api(f: Workforce, portal: str) -> dict[str, Any]:
    """The ``Workforce`` structure of DescribeWorkforce and ListWorkforces."""
    config = dict(f.config or {})
    out: dict[str, Any] = {
        "WorkforceName": f.name,
        "WorkforceArn": f.arn,
        "LastUpdatedDate": f.last_updated_at,
        "SourceIpConfig": config.get("SourceIpConfig", {"Cidrs": []}),
        "SubDomain": portal,
        "CreateDate": f.created_at,
        "Status": "Active",
    }
    if "OidcConfig" in config:
        oidc = {k: v for k, v in config["OidcConfig"].items() if k != "ClientSecret"}
        out["OidcConfig"] = oidc
    if "CognitoConfig" in config:
        out["CognitoConfig"] = config["CognitoConfig"]
    if "WorkforceVpcConfig" in config:
        out["WorkforceVpcConfig"] = config["WorkforceVpcConfig"]
    return out


class WorkforceService:
    """Create, describe, list, update and delete the account's workforce."""

    def __init__(self, res: Resources) -> None:
        self.res = res

    def create(self, request: Mapping[str, Any]) -> str:
        """CreateWorkforce; returns the ``WorkforceArn``."""
        keys = ("CognitoConfig", "OidcConfig", "SourceIpConfig", "WorkforceVpcConfig")
        config: dict[str, Any] = {k: request[k] for k in keys if k in request}
        with self.res.db.transaction() as s:
            name = request["WorkforceName"]
            return repo_sagemaker.create_workforce(s, name, config, account_id=self.res.account).arn

    def describe(self, name: str) -> dict[str, Any]:
        """The DescribeWorkforce response."""
        with self.res.db.read() as s:
            force = repo_sagemaker.get_workforce(s, name, account_id=self.res.account)
            return {"Workforce": workforce_to_api(force, self.res.portal_url)}

    def list(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The ListWorkforces response."""
        with self.res.db.read() as s:
            forces = repo_sagemaker.list_workforces(s, account_id=self.res.account)
            items = [workforce_to_api(f, self.res.portal_url) for f in forces]
        return page(items, params, "Workforces")

    def update(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """UpdateWorkforce: the settings given are merged into the stored ones."""
        keys = ("OidcConfig", "SourceIpConfig", "WorkforceVpcConfig")
        config: dict[str, Any] = {k: request[k] for k in keys if k in request}
        with self.res.db.transaction() as s:
            name = request["WorkforceName"]
            force = repo_sagemaker.update_workforce(s, name, config, account_id=self.res.account)
            return {"Workforce": workforce_to_api(force, self.res.portal_url)}

    def delete(self, name: str) -> None:
        """DeleteWorkforce: the account goes back to its ``default`` workforce."""
        with self.res.db.transaction() as s:
            repo_sagemaker.delete_workforce(s, name, account_id=self.res.account)
