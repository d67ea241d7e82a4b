"""Java model patterns, translated to the regex dialect with Java's meaning kept."""

from __future__ import annotations

import warnings

import botocore.session
import pytest

from opentruth.awsmodel.javaregex import JavaRegexError, compile_java, full_match, translate

SERVICES = ["sagemaker", "s3", "iam", "sts", "sqs", "sns", "kms", "logs", "cloudwatch", "lambda"]


def _model_patterns() -> set[str]:
    session = botocore.session.get_session()
    found: set[str] = set()
    for name in SERVICES:
        model = session.get_service_model(name)
        for shape_name in model.shape_names:
            pattern = model.shape_for(shape_name).metadata.get("pattern")
            if pattern:
                found.add(pattern)
    return found


def test_every_pattern_of_the_served_models_compiles_without_warnings() -> None:
    patterns = _model_patterns()
    assert len(patterns) > 100
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for pattern in patterns:
            compile_java(pattern)


def test_the_match_is_anchored_at_both_ends() -> None:
    name = "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
    assert full_match(name, "job-1")
    assert not full_match(name, "job-1!")
    assert not full_match(name, "!job-1")


def test_unicode_properties_of_tag_patterns() -> None:
    tag = r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)"
    assert full_match(tag, "Projekt Ünïcødé 名前 ١٢٣ a_b.c:d/e=f+g-h@i")
    assert full_match(tag, "\u00a0nbsp")  # \p{Z} includes no-break space
    assert not full_match(tag, "semi;colon")
    assert not full_match(tag, "#hash")


def test_shorthands_are_ascii_as_in_java() -> None:
    assert full_match(r"\w+", "abc_09")
    assert not full_match(r"\w+", "é")
    assert not full_match(r"\d+", "١٢٣")  # Arabic-Indic digits are not Java \d
    assert full_match(r"\S+", "é!")
    assert not full_match(r"[\s]+", "\u2003")  # EM SPACE is not Java \s
    assert full_match(r"[^\W]+", "abc")


def test_posix_classes_are_ascii_as_in_java() -> None:
    assert full_match(r"\p{Alnum}+", "abc123")
    assert not full_match(r"\p{Alnum}+", "é")
    assert full_match(r"[\p{Punct}]+", "!-/:@[`{~")
    assert full_match(r"\P{Digit}+", "abc")


def test_surrogate_pairs_become_astral_code_points() -> None:
    pattern = "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*"
    assert "\\U00010000-\\U0010FFFF" in translate(pattern)
    assert full_match(pattern, "policy 😀 text\t")
    assert not full_match(pattern, "\x01")


def test_quoting_and_nested_classes() -> None:
    assert full_match(r"\Qa.b\E", "a.b")
    assert not full_match(r"\Qa.b\E", "axb")
    assert full_match(r"[a[0-9]]+", "a1a2")


def test_unsupported_constructs_are_refused_clearly() -> None:
    with pytest.raises(JavaRegexError, match="&&"):
        translate("[a-z&&[^aeiou]]")
    with pytest.raises(JavaRegexError, match="nested"):
        translate("[a[^b]]")
