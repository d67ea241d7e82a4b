"""Validation against botocore's input shapes, worded as AWS's ValidationException."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.model import Shape
from botocore.validate import ParamValidator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opentruth.awsmodel.service import UnknownOperationError, operation
from opentruth.awsmodel.validate import (
    ModelValidationError,
    SerializationError,
    check_input,
    lower_camel,
    parse_input,
    render,
    validate_input,
)
from opentruth.errors import ValidationError

Request = dict[str, Any]
Factory = Callable[[], Request]
CREATE = ("sagemaker", "CreateLabelingJob")


def _create_shape() -> Shape:
    shape = operation(*CREATE).input_shape
    assert shape is not None
    return shape


def _problems(params: object, service: str = "sagemaker", op: str = "CreateLabelingJob") -> list[str]:
    with pytest.raises(ModelValidationError) as info:
        validate_input(service, op, params)
    err = info.value
    assert err.aws_code == "ValidationException"
    assert err.http_status == 400
    return list(err.problems)


def test_a_valid_request_passes_unchanged(make_request: Factory) -> None:
    request = make_request()
    validate_input(*CREATE, request)
    assert parse_input(*CREATE, request) == request


def test_botocore_accepts_the_valid_request_too(make_request: Factory) -> None:
    report = ParamValidator().validate(make_request(), _create_shape())
    assert not report.has_errors()


def test_pattern_violation_has_aws_wording(make_request: Factory) -> None:
    request = make_request()
    request["LabelingJobName"] = "bad name!"
    with pytest.raises(ValidationError) as info:
        validate_input(*CREATE, request)
    assert info.value.message == (
        "1 validation error detected: Value 'bad name!' at 'labelingJobName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
    )


def test_botocore_alone_misses_max_and_pattern(make_request: Factory) -> None:
    # The reason this module exists: botocore's client-side validator lets these through.
    request = make_request()
    request["LabelingJobName"] = "x" * 100
    request["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] = 10
    assert not ParamValidator().validate(request, _create_shape()).has_errors()
    problems = _problems(request)
    # The long name breaks both max length and the pattern (which also caps it at 63).
    assert len(problems) == 3


def test_max_length(make_request: Factory) -> None:
    request = make_request()
    request["HumanTaskConfig"]["TaskDescription"] = "d" * 256
    assert _problems(request) == [
        f"Value '{'d' * 256}' at 'humanTaskConfig.taskDescription' failed to satisfy constraint: "
        "Member must have length less than or equal to 255"
    ]


def test_min_length(make_request: Factory) -> None:
    request = make_request()
    request["HumanTaskConfig"]["TaskTitle"] = ""
    assert _problems(request) == [
        "Value '' at 'humanTaskConfig.taskTitle' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    ]


@pytest.mark.parametrize(
    ("value", "constraint"),
    [
        (0, "Member must have value greater than or equal to 1"),
        (10, "Member must have value less than or equal to 9"),
    ],
)
def test_numeric_range_on_a_nested_member(make_request: Factory, value: int, constraint: str) -> None:
    request = make_request()
    request["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] = value
    assert _problems(request) == [
        f"Value '{value}' at 'humanTaskConfig.numberOfHumanWorkersPerDataObject' failed to satisfy "
        f"constraint: {constraint}"
    ]


def test_missing_required_members_are_null(make_request: Factory) -> None:
    request = make_request()
    del request["RoleArn"]
    request["HumanTaskConfig"]["TaskTitle"] = None
    assert _problems(request) == [
        "Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
        "Value null at 'humanTaskConfig.taskTitle' failed to satisfy constraint: Member must not be null",
    ]


def test_null_optional_member_counts_as_absent(make_request: Factory) -> None:
    request = make_request()
    request["LabelCategoryConfigS3Uri"] = None
    parsed = parse_input(*CREATE, request)
    assert "LabelCategoryConfigS3Uri" not in parsed


def test_enum() -> None:
    assert _problems({"SortBy": "Size"}, op="ListLabelingJobs") == [
        "Value 'Size' at 'sortBy' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Name, CreationTime, Status]"
    ]


def test_list_items_use_the_member_path(make_request: Factory) -> None:
    request = make_request()
    request["Tags"] = [{"Key": "ok", "Value": "ok"}, {"Key": "k" * 129, "Value": "a;b"}]
    assert _problems(request) == [
        f"Value '{'k' * 129}' at 'tags.2.member.key' failed to satisfy constraint: "
        "Member must have length less than or equal to 128",
        "Value 'a;b' at 'tags.2.member.value' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: ([\p{L}\p{Z}\p{N}_.:/=+\-@]*)",
    ]


def test_unicode_tags_pass(make_request: Factory) -> None:
    request = make_request()
    request["Tags"] = [{"Key": "Projekt Ünïcødé", "Value": "名前 ١٢٣ a=b+c@d"}]
    validate_input(*CREATE, request)


def test_list_length(make_request: Factory) -> None:
    request = make_request()
    request["Tags"] = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    problems = _problems(request)
    assert len(problems) == 1
    assert problems[0].endswith(
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    )


def test_list_of_scalars_reports_at_the_list(make_request: Factory) -> None:
    request = make_request()
    request["HumanTaskConfig"]["TaskKeywords"] = ["ok", "not ok!", "x" * 31]
    assert _problems(request) == [
        f"Value '[ok, not ok!, {'x' * 31}]' at 'humanTaskConfig.taskKeywords' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must satisfy regular expression pattern: "
        "[A-Za-z0-9]+( [A-Za-z0-9]+)*, Member must have length less than or equal to 30]"
    ]


def test_many_errors_are_counted(make_request: Factory) -> None:
    request = make_request()
    request["LabelingJobName"] = "bad name!"
    request["LabelAttributeName"] = ""
    request["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] = 0
    del request["OutputConfig"]
    with pytest.raises(ModelValidationError) as info:
        validate_input(*CREATE, request)
    err = info.value
    assert len(err.problems) == 5  # LabelAttributeName '' breaks both min length and the pattern
    assert err.message.startswith("5 validation errors detected: ")
    assert err.message.removeprefix("5 validation errors detected: ").split("; ") == list(err.problems)
    paths = [p.split(" at '", 1)[1].split("'", 1)[0] for p in err.problems]
    assert set(paths) == {
        "labelingJobName",
        "labelAttributeName",
        "outputConfig",
        "humanTaskConfig.numberOfHumanWorkersPerDataObject",
    }


def _workforce() -> Request:
    return {
        "WorkforceName": "wf",
        "OidcConfig": {
            "ClientId": "client",
            "ClientSecret": "s3cr\u00e9t",
            "Issuer": "https://issuer.example",
            "AuthorizationEndpoint": "https://issuer.example/auth",
            "TokenEndpoint": "https://issuer.example/token",
            "UserInfoEndpoint": "https://issuer.example/userinfo",
            "LogoutEndpoint": "https://issuer.example/logout",
            "JwksUri": "https://issuer.example/jwks",
        },
    }


def test_sensitive_values_are_not_echoed() -> None:
    problems = _problems(_workforce(), op="CreateWorkforce")
    assert problems == [
        "Value at 'oidcConfig.clientSecret' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [ -~]+"
    ]
    assert "s3cr" not in problems[0]


def test_map_constraints() -> None:
    request = _workforce()
    request["OidcConfig"]["ClientSecret"] = "secret"
    request["OidcConfig"]["AuthenticationRequestExtraParams"] = {f"k{i}": "v" for i in range(11)}
    request["OidcConfig"]["AuthenticationRequestExtraParams"]["long"] = "v" * 513
    problems = _problems(request, op="CreateWorkforce")
    assert len(problems) == 2
    assert problems[0].endswith(
        "at 'oidcConfig.authenticationRequestExtraParams' failed to satisfy constraint: "
        "Member must have length less than or equal to 10"
    )
    assert problems[1].endswith(
        "failed to satisfy constraint: Map value must satisfy constraint: "
        "[Member must have length less than or equal to 512]"
    )


def test_wrong_type_is_a_serialization_error_naming_the_member(make_request: Factory) -> None:
    request = make_request()
    request["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"] = "three"
    with pytest.raises(SerializationError) as info:
        validate_input(*CREATE, request)
    err = info.value
    assert isinstance(err, ValidationError)
    assert err.aws_code == "SerializationException"
    assert "'humanTaskConfig.numberOfHumanWorkersPerDataObject'" in err.message
    assert "an integer" in err.message


@pytest.mark.parametrize("value", [True, 2**31, 2.5])
def test_integers_must_be_java_ints(make_request: Factory, value: object) -> None:
    request = make_request()
    request["HumanTaskConfig"]["TaskTimeLimitInSeconds"] = value
    with pytest.raises(SerializationError, match="taskTimeLimitInSeconds"):
        validate_input(*CREATE, request)


def test_integral_float_is_read_as_an_integer(make_request: Factory) -> None:
    request = make_request()
    request["HumanTaskConfig"]["TaskTimeLimitInSeconds"] = 300.0
    parsed = parse_input(*CREATE, request)
    assert parsed["HumanTaskConfig"]["TaskTimeLimitInSeconds"] == 300
    assert isinstance(parsed["HumanTaskConfig"]["TaskTimeLimitInSeconds"], int)


def test_unknown_member_is_named_with_a_suggestion(make_request: Factory) -> None:
    request = make_request()
    request["HumanTaskConfig"]["TaskTitel"] = "typo"
    with pytest.raises(SerializationError) as info:
        validate_input(*CREATE, request)
    message = info.value.message
    assert "Unknown member 'TaskTitel' in 'humanTaskConfig'" in message
    assert "Did you mean 'TaskTitle'?" in message


def test_a_non_object_request_is_refused() -> None:
    with pytest.raises(SerializationError, match="request"):
        validate_input(*CREATE, ["not", "an", "object"])


def test_unknown_operation() -> None:
    with pytest.raises(UnknownOperationError, match="'Frobnicate'"):
        validate_input("sagemaker", "Frobnicate", {})


def test_timestamps_are_deserialised() -> None:
    parsed = parse_input(
        "sagemaker",
        "ListLabelingJobs",
        {
            "CreationTimeAfter": 1700000000,
            "CreationTimeBefore": "2024-01-02T03:04:05Z",
            "LastModifiedTimeAfter": "2024-01-02T03:04:05",
        },
    )
    assert parsed["CreationTimeAfter"] == datetime.fromtimestamp(1700000000, UTC)
    assert parsed["CreationTimeBefore"] == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parsed["LastModifiedTimeAfter"].tzinfo is not None


def test_a_bad_timestamp_is_a_serialization_error() -> None:
    with pytest.raises(SerializationError, match="creationTimeAfter"):
        validate_input("sagemaker", "ListLabelingJobs", {"CreationTimeAfter": "yesterday"})


def test_blobs_are_decoded_and_measured() -> None:
    parsed = parse_input(
        "kms", "Encrypt", {"KeyId": "alias/k", "Plaintext": base64.b64encode(b"hi").decode()}
    )
    assert parsed["Plaintext"] == b"hi"
    problems = _problems({"KeyId": "alias/k", "Plaintext": ""}, service="kms", op="Encrypt")
    # Plaintext is sensitive: its value is not echoed.
    assert problems == [
        "Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    ]
    with pytest.raises(SerializationError, match="base64"):
        validate_input("kms", "Encrypt", {"KeyId": "alias/k", "Plaintext": "***"})


def test_path_and_value_rendering_helpers() -> None:
    assert lower_camel("NumberOfHumanWorkersPerDataObject") == "numberOfHumanWorkersPerDataObject"
    assert lower_camel("SAMLOptions") == "sAMLOptions"
    assert render(["a", 1, True, None]) == "[a, 1, true, null]"
    assert render({"k": "v"}) == "{k=v}"


def test_check_input_reports_without_raising(make_request: Factory) -> None:
    request = make_request()
    request["Extra"] = 1
    request["LabelingJobName"] = "bad name!"
    unreadable, problems = check_input(*CREATE, request)
    assert len(unreadable) == 1
    assert "Extra" in unreadable[0]
    assert len(problems) == 1


# --- fuzzing -----------------------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
_member_names = st.sampled_from(
    ["LabelingJobName", "HumanTaskConfig", "Tags", "InputConfig", "RoleArn", "Key", "MaxResults", "junk"]
)


@settings(max_examples=150, deadline=None)
@given(
    op=st.sampled_from(["CreateLabelingJob", "ListLabelingJobs", "CreateWorkteam", "CreateWorkforce"]),
    params=st.dictionaries(_member_names | st.text(max_size=10), _json, max_size=6) | _json,
)
def test_junk_only_ever_raises_validation_errors(op: str, params: object) -> None:
    with contextlib.suppress(ValidationError):
        parse_input("sagemaker", op, params)


_junk_leaf = (
    st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer())
    | st.text(max_size=200)
    | st.lists(st.text(max_size=3), max_size=3)
    | st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)
)


def _leaf_paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaf_paths(v, (*prefix, k))] or [prefix]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaf_paths(v, (*prefix, i))] or [prefix]
    return [prefix]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_whatever_botocore_rejects_we_reject(make_request: Factory, data: st.DataObject) -> None:
    request = make_request()
    paths = _leaf_paths(request)
    path = data.draw(st.sampled_from(paths))
    target: Any = request
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(_junk_leaf)
    botocore_says = ParamValidator().validate(request, _create_shape())
    if botocore_says.has_errors():
        with pytest.raises(ValidationError):
            validate_input(*CREATE, request)
