"""Parsing S3 request documents and writing response documents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from opentruth.api.s3 import xmlio
from opentruth.api.s3.errors import S3RequestError
from opentruth.cloud.objectstore import InvalidTag


def test_parse_tagging_with_and_without_namespace() -> None:
    body = (
        b'<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>'
        b"<Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value/></Tag></TagSet></Tagging>"
    )
    assert xmlio.parse_tagging(body) == {"a": "1", "b": ""}
    with pytest.raises(InvalidTag):
        xmlio.parse_tagging(
            b"<Tagging><TagSet><Tag><Key>a</Key></Tag><Tag><Key>a</Key></Tag></TagSet></Tagging>"
        )


@pytest.mark.parametrize(
    "body",
    [
        b"<Tagging><TagSet>",
        b"<Other/>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Tagging><TagSet/></Tagging>',
        b"<Tagging/>",
    ],
)
def test_bad_documents_are_malformed_xml(body: bytes) -> None:
    with pytest.raises(S3RequestError) as err:
        xmlio.parse_tagging(body)
    assert err.value.s3_code == "MalformedXML"


def test_documents_escape_values() -> None:
    doc = xmlio.tagging_document({"k&<": 'v"'})
    assert b"<Key>k&amp;&lt;</Key>" in doc
    assert doc.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/'
    )


def test_time_formats() -> None:
    when = datetime(2024, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)
    assert xmlio.iso_time(when) == "2024-02-03T04:05:06.789Z"
    assert xmlio.http_date(when) == "Sat, 03 Feb 2024 04:05:06 GMT"
