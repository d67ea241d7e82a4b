"""AWS's Ground Truth notebooks, as a new user runs them: boto3 against the served API, only the
endpoint changed (issue 23). One test per point:

1. two streaming jobs chained through an SNS topic, an object flowing from the first job's
   input to the second job's output with its first label and its id kept;
2. a label category file of ``{"labels": [...]}`` alone (no ``document-version``) runs;
3. a missing label category file, template or manifest fails the job as ``ClientError`` naming
   the S3 URI, never ``InternalError``;
4. the AWS managed policies notebooks attach are there, verbatim, with their version ids (and a
   streaming job runs on nothing but them); an unknown one is ``NoSuchEntity``;
5. a user sees and rotates its two access keys (ListAccessKeys, UpdateAccessKey,
   GetAccessKeyLastUsed);
6. the public (Mechanical Turk) work team gets a ValidationException that says what it is.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from labsupport import NOTEBOOK_POLICIES as MANAGED
from labsupport import TRUST, job_request
from obssupport import Full, full_server, label_all, wait_status
from opentruth.iam.managed import shipped_document
from opentruth.labeling.streaming import queue_policy

ACCOUNT = "000000000000"
REGION = "us-east-1"
PUBLIC_TEAM = f"arn:aws:sagemaker:{REGION}:394669845002:workteam/public-crowd/default"
#: A streaming execution role made of AWS managed policies only, as the streaming notebook does.
STREAMING_POLICIES = (
    "AmazonS3FullAccess",
    "AmazonSNSFullAccess",
    "AmazonSQSFullAccess",
    "CloudWatchLogsFullAccess",
)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Full]:
    yield from full_server(tmp_path_factory.mktemp("data"), objects=1)


def _role(
    full: Full, name: str, *, managed: tuple[str, ...] = (), inline: dict[str, Any] | None = None
) -> str:
    iam = full.client("iam")
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    for policy in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=MANAGED[policy])
    if inline is not None:
        iam.put_role_policy(RoleName=name, PolicyName="execution", PolicyDocument=json.dumps(inline))
    return arn


def _s3_role(full: Full, name: str) -> str:
    return _role(full, name, managed=("AmazonS3FullAccess", "CloudWatchLogsFullAccess"))


def _receive(full: Full, queue_url: str, timeout: float = 60) -> list[dict[str, Any]]:
    """The output lines that reached the queue (each an SNS envelope around one line)."""
    sqs = full.client("sqs")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if got:
            return [json.loads(json.loads(m["Body"])["Message"]) for m in got]
        time.sleep(0.1)
    raise AssertionError("no output line reached the queue")


def _streaming_request(name: str, role: str, label: str, source: str, sink: str) -> dict[str, Any]:
    req = job_request(name, "TextMultiClass", RoleArn=role, LabelAttributeName=label)
    req["InputConfig"] = {"DataSource": {"SnsDataSource": {"SnsTopicArn": source}}}
    req["OutputConfig"]["SnsTopicArn"] = sink
    return req


def test_1_two_streaming_jobs_chain_through_the_first_ones_output_topic(full: Full) -> None:
    sns, sqs, sm = full.client("sns"), full.client("sqs"), full.client("sagemaker")
    feed = sns.create_topic(Name="chain-input")["TopicArn"]
    middle = sns.create_topic(Name="chain-first-output")["TopicArn"]  # job 1's output, job 2's input
    final = sns.create_topic(Name="chain-second-output")["TopicArn"]
    results = sqs.create_queue(QueueName="chain-results")["QueueUrl"]
    results_arn = sqs.get_queue_attributes(QueueUrl=results, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    # The same policy a streaming job gives its own queue: the topic (only) may send to it.
    policy = queue_policy(results_arn, final)
    sqs.set_queue_attributes(QueueUrl=results, Attributes={"Policy": json.dumps(policy)})
    sns.subscribe(TopicArn=final, Protocol="sqs", Endpoint=results_arn)
    role = _role(full, "ChainedStreaming", managed=STREAMING_POLICIES)
    sm.create_labeling_job(**_streaming_request("chain-one", role, "sentiment", feed, middle))
    sm.create_labeling_job(**_streaming_request("chain-two", role, "sentiment-check", middle, final))
    for job in ("chain-one", "chain-two"):
        started = wait_status(full, job, {"InProgress", "Failed"})
        assert started["LabelingJobStatus"] == "InProgress", started.get("FailureReason")

    sent = sns.publish(TopicArn=feed, Message=json.dumps({"source": "a chained sentence"}))["MessageId"]
    first: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    label_all(full.url, "chain-one", "ann", want=1, seen=first)
    label_all(full.url, "chain-two", "bob", want=1, seen=second)  # job 1's output line, taken in
    assert first[0]["taskInput"]["taskObject"] == second[0]["taskInput"]["taskObject"] == "a chained sentence"
    (line,) = _receive(full, results)
    assert line["source"] == "a chained sentence"
    # The object keeps the id job 1 gave it (the SNS MessageId of the first publish) …
    assert line["dataset-objectid-attribute-name"] == "$label-attribute-name-object-id"
    assert line["$label-attribute-name-object-id"] == sent
    # … and both labels: the first job's, kept, and the second's.
    assert line["sentiment-metadata"]["job-name"] == "labeling-job/chain-one"
    assert line["sentiment-check-metadata"]["job-name"] == "labeling-job/chain-two"
    assert line["sentiment-metadata"]["class-name"] == line["sentiment-check-metadata"]["class-name"] == "pos"
    for job in ("chain-one", "chain-two"):
        sm.stop_labeling_job(LabelingJobName=job)
        assert wait_status(full, job, {"Stopped", "Failed"})["LabelingJobStatus"] == "Stopped"


def test_2_a_label_file_without_document_version_runs(full: Full) -> None:
    s3, sm = full.client("s3"), full.client("sagemaker")
    s3.put_object(
        Bucket="input-data", Key="plain-labels.json", Body=b'{"labels": [{"label": "neg"}, {"label": "pos"}]}'
    )
    s3.put_object(Bucket="input-data", Key="no-labels.json", Body=b'{"document-version": "2018-11-28"}')
    role = _s3_role(full, "PlainLabels")
    plain = "s3://input-data/plain-labels.json"
    sm.create_labeling_job(
        **job_request("plain-labels", "TextMultiClass", RoleArn=role, LabelCategoryConfigS3Uri=plain)
    )
    assert wait_status(full, "plain-labels", {"InProgress", "Failed"})["LabelingJobStatus"] == "InProgress"
    label_all(full.url, "plain-labels", "ann", want=1)
    done = wait_status(full, "plain-labels", {"Completed", "Failed"})
    assert done["LabelingJobStatus"] == "Completed", done.get("FailureReason")
    # What Ground Truth refuses is still refused, naming the file.
    empty = "s3://input-data/no-labels.json"
    sm.create_labeling_job(
        **job_request("no-labels", "TextMultiClass", RoleArn=role, LabelCategoryConfigS3Uri=empty)
    )
    failed = wait_status(full, "no-labels", {"InProgress", "Failed"})
    assert failed["LabelingJobStatus"] == "Failed"
    assert failed["FailureReason"].startswith(f"ClientError: {empty}: ")
    assert '"labels" must be a non-empty list' in failed["FailureReason"]


@pytest.mark.parametrize(
    ("what", "field", "uri"),
    [
        ("labels", "LabelCategoryConfigS3Uri", "s3://input-data/missing-labels.json"),
        ("template", "HumanTaskConfig.UiConfig.UiTemplateS3Uri", "s3://input-data/missing.liquid"),
        ("manifest", "ManifestS3Uri", "s3://input-data/missing.manifest"),
        ("bucket", "ManifestS3Uri", "s3://no-such-bucket-23/input.manifest"),
    ],
)
def test_3_a_missing_input_object_is_a_client_error_naming_it(
    full: Full, what: str, field: str, uri: str
) -> None:
    name = f"missing-{what}"
    req = job_request(name, "TextMultiClass", RoleArn=_s3_role(full, f"Missing{what.title()}"))
    if what == "labels":
        req["LabelCategoryConfigS3Uri"] = uri
    elif what == "template":
        req["HumanTaskConfig"]["UiConfig"]["UiTemplateS3Uri"] = uri
    else:
        req["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"] = uri
    full.client("sagemaker").create_labeling_job(**req)
    d = wait_status(full, name, {"InProgress", "Failed"})
    assert d["LabelingJobStatus"] == "Failed"
    assert d["FailureReason"].startswith(f"ClientError: {field} {uri}: the ")
    assert "does not exist" in d["FailureReason"] and "InternalError" not in d["FailureReason"]


def test_4_the_managed_policies_notebooks_attach_are_shipped_verbatim(full: Full) -> None:
    iam = full.client("iam")
    index = json.loads(
        (Path(__file__).resolve().parents[2] / "src/opentruth/iam/data/managed_policies.json").read_text()
    )["policies"]
    iam.create_role(RoleName="NotebookRole", AssumeRolePolicyDocument=json.dumps(TRUST))
    for name, arn in MANAGED.items():
        iam.attach_role_policy(RoleName="NotebookRole", PolicyArn=arn)
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
        assert (policy["PolicyName"], policy["Path"]) == (name, index[name]["Path"])
        assert policy["DefaultVersionId"] == index[name]["DefaultVersionId"]
        assert policy["PolicyId"] == index[name]["PolicyId"]
        version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
        assert version["Document"] == shipped_document(name) and version["IsDefaultVersion"]
    attached = iam.list_attached_role_policies(RoleName="NotebookRole")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == list(MANAGED.values())
    listed = {p["Arn"] for p in iam.list_policies(Scope="AWS")["Policies"]}
    assert set(MANAGED.values()) <= listed
    for unknown in (
        "arn:aws:iam::aws:policy/AmazonEC2FullAccess",  # not shipped
        "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole",  # shipped, but under /service-role/
    ):
        with pytest.raises(ClientError) as err:
            iam.attach_role_policy(RoleName="NotebookRole", PolicyArn=unknown)
        assert err.value.response["Error"]["Code"] == "NoSuchEntity"
        assert unknown in err.value.response["Error"]["Message"]


def test_5_a_user_sees_and_rotates_its_two_access_keys(full: Full) -> None:
    iam = full.client("iam")
    iam.create_user(UserName="rotator")
    old = iam.create_access_key(UserName="rotator")["AccessKey"]
    new = iam.create_access_key(UserName="rotator")["AccessKey"]
    with pytest.raises(ClientError) as err:
        iam.create_access_key(UserName="rotator")
    assert err.value.response["Error"]["Code"] == "LimitExceeded"
    listed = iam.list_access_keys(UserName="rotator")["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in listed] == [
        (old["AccessKeyId"], "Active"),
        (new["AccessKeyId"], "Active"),
    ]
    never = iam.get_access_key_last_used(AccessKeyId=new["AccessKeyId"])
    assert never["UserName"] == "rotator"
    assert never["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}

    sts = full.client("sts", old["AccessKeyId"], old["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/rotator"
    used = iam.get_access_key_last_used(AccessKeyId=old["AccessKeyId"])["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("sts", REGION)
    assert used["LastUsedDate"].tzinfo is not None

    # Rotate: the old key goes inactive (and signs nothing), then away; a new one takes its slot.
    iam.update_access_key(UserName="rotator", AccessKeyId=old["AccessKeyId"], Status="Inactive")
    statuses = {
        k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName="rotator")["AccessKeyMetadata"]
    }
    assert statuses == {old["AccessKeyId"]: "Inactive", new["AccessKeyId"]: "Active"}
    with pytest.raises(ClientError) as err:
        sts.get_caller_identity()
    assert err.value.response["Error"]["Code"] == "InvalidClientTokenId"
    iam.update_access_key(UserName="rotator", AccessKeyId=old["AccessKeyId"], Status="Active")
    assert sts.get_caller_identity()["Arn"].endswith(":user/rotator")  # reactivated: signs again
    iam.update_access_key(UserName="rotator", AccessKeyId=old["AccessKeyId"], Status="Inactive")
    iam.delete_access_key(UserName="rotator", AccessKeyId=old["AccessKeyId"])
    third = iam.create_access_key(UserName="rotator")["AccessKey"]
    ids = [k["AccessKeyId"] for k in iam.list_access_keys(UserName="rotator")["AccessKeyMetadata"]]
    assert ids == [new["AccessKeyId"], third["AccessKeyId"]]

    # A user manages its own keys without naming itself, as in IAM.
    iam.put_user_policy(
        UserName="rotator",
        PolicyName="own-keys",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:GetAccessKeyLastUsed"],
                        "Resource": f"arn:aws:iam::{ACCOUNT}:user/rotator",
                    }
                ],
            }
        ),
    )
    own = full.client("iam", new["AccessKeyId"], new["SecretAccessKey"])
    assert len(own.list_access_keys()["AccessKeyMetadata"]) == 2
    own.update_access_key(AccessKeyId=third["AccessKeyId"], Status="Inactive")
    assert (
        own.get_access_key_last_used(AccessKeyId=new["AccessKeyId"])["AccessKeyLastUsed"]["ServiceName"]
        == "iam"
    )
    with pytest.raises(ClientError) as err:
        own.update_access_key(AccessKeyId="AKIA0000000000000000", Status="Active")
    assert err.value.response["Error"]["Code"] == "NoSuchEntity"
    admin_key = full.admin.key_id
    with pytest.raises(ClientError) as err:  # another user's key: denied, as IAM does
        own.get_access_key_last_used(AccessKeyId=admin_key)
    assert err.value.response["Error"]["Code"] == "AccessDenied"


def test_6_the_public_work_team_says_what_it_is(full: Full) -> None:
    req = job_request("public-crowd", "TextMultiClass", RoleArn=_s3_role(full, "PublicCrowd"))
    config = req["HumanTaskConfig"]
    config["WorkteamArn"] = PUBLIC_TEAM
    config["PublicWorkforceTaskPrice"] = {
        "AmountInUsd": {"Dollars": 0, "Cents": 1, "TenthFractionsOfACent": 2}
    }
    config["TaskAvailabilityLifetimeInSeconds"] = 3600
    req["InputConfig"]["DataAttributes"] = {
        "ContentClassifiers": ["FreeOfPersonallyIdentifiableInformation", "FreeOfAdultContent"]
    }
    with pytest.raises(ClientError) as err:
        full.client("sagemaker").create_labeling_job(**req)
    error = err.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert PUBLIC_TEAM in error["Message"]
    assert "Mechanical Turk" in error["Message"] and "only private work teams" in error["Message"]
    assert "CreateWorkteam" in error["Message"] and "does not exist" not in error["Message"]
