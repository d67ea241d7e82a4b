"""aws-chunked decoding with chunk-signature verification."""

from __future__ import annotations

import pytest

from opentruth.api.sigv4 import SigV4Error, signing_key
from opentruth.api.sigv4_chunked import ChunkedBodyError, ChunkedDecoder, encode_chunked

KEY = signing_key("s" * 40, "20240501", "us-east-1", "s3")
DATE, SCOPE, SEED = "20240501T120000Z", "20240501/us-east-1/s3/aws4_request", "a" * 64


def decoder() -> ChunkedDecoder:
    return ChunkedDecoder(signing_key=KEY, amz_date=DATE, scope=SCOPE, seed=SEED)


@pytest.mark.parametrize("step", [1, 7, 100_000])
def test_round_trip_in_pieces(step: int) -> None:
    payload = bytes(range(256)) * 700
    body = encode_chunked(payload, signing_key=KEY, amz_date=DATE, scope=SCOPE, seed=SEED, chunk_size=65536)
    dec = decoder()
    out = b"".join(dec.feed(body[i : i + step]) for i in range(0, len(body), step))
    assert out == payload
    assert dec.finish() == {}
    assert dec.decoded_length == len(payload)


def test_tampered_chunk_is_refused_before_release() -> None:
    body = bytearray(encode_chunked(b"x" * 100, signing_key=KEY, amz_date=DATE, scope=SCOPE, seed=SEED))
    body[body.index(b"\r\n") + 5] ^= 1
    with pytest.raises(SigV4Error):
        decoder().feed(bytes(body))


def test_wrong_seed_and_truncation() -> None:
    body = encode_chunked(b"abc", signing_key=KEY, amz_date=DATE, scope=SCOPE, seed=SEED)
    with pytest.raises(SigV4Error):
        ChunkedDecoder(signing_key=KEY, amz_date=DATE, scope=SCOPE, seed="b" * 64).feed(body)
    dec = decoder()
    dec.feed(body[:-10])
    with pytest.raises(ChunkedBodyError):
        dec.finish()
    with pytest.raises(ChunkedBodyError):
        decoder().feed(b"zz;chunk-signature=" + b"0" * 64 + b"\r\n")


def test_unsigned_trailer_variant() -> None:
    dec = ChunkedDecoder.for_marker(
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER", signing_key=None, amz_date=DATE, scope=SCOPE, seed=SEED
    )
    out = dec.feed(b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n")
    assert out == b"abc"
    assert dec.finish() == {"x-amz-checksum-crc32": "NSRBwg=="}
