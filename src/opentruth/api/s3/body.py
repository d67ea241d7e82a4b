"""Reading an S3 request body: payload-hash, Content-MD5 and checksum checks, aws-chunked.

SigV4 for S3 signs the *declared* payload hash (``x-amz-content-sha256``), not the body, so
the body must be checked against it here, after the signature was verified:

- a hex SHA-256 must equal the body's (``XAmzContentSHA256Mismatch`` otherwise);
- ``UNSIGNED-PAYLOAD`` (and presigned URLs, which carry no header) accept any body;
- ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD`` bodies are aws-chunked: each chunk's signature chains
  from the request's and is verified before its bytes are kept; the ``…-TRAILER`` variants end
  with checksum trailers.

``Content-MD5`` and the flexible checksums (``x-amz-checksum-crc32``, ``-sha1``, ``-sha256``,
as headers or trailers) are verified too (``BadDigest``). The body is spooled: in memory up to
a few MiB, then to a temporary file, so a large upload never sits in memory whole.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import tempfile
import zlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import IO, BinaryIO, Protocol, cast

from opentruth.api.s3.errors import S3RequestError
from opentruth.api.sigv4 import UNSIGNED_PAYLOAD
from opentruth.api.sigv4_chunked import STREAMING_MARKERS, ChunkedDecoder

#: S3's limit for a single PUT (larger objects need a multipart upload).
MAX_PUT_SIZE = 5 * 1024**3
_SPOOL_IN_MEMORY = 8 * 1024 * 1024

DecoderFactory = Callable[[str], ChunkedDecoder]


class _Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def digest(self) -> bytes: ...


class _Crc32:
    """zlib's CRC-32 behind the hashlib interface, as ``x-amz-checksum-crc32`` wants it."""

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: bytes) -> None:
        self.value = zlib.crc32(data, self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(4, "big")


_CHECKSUMS: dict[str, Callable[[], _Hasher]] = {
    "crc32": _Crc32,
    "sha1": lambda: hashlib.sha1(usedforsecurity=False),
    "sha256": hashlib.sha256,
}


@dataclass
class Payload:
    """A received body: its bytes (spooled), size and MD5."""

    file: BinaryIO
    size: int
    md5_hex: str

    def read_all(self) -> bytes:
        """The whole body in memory (for XML documents and multipart parts)."""
        self.file.seek(0)
        return self.file.read()

    def close(self) -> None:
        self.file.close()


def _declared_checksums(headers: Mapping[str, str]) -> dict[str, str]:
    return {alg: headers[f"x-amz-checksum-{alg}"] for alg in _CHECKSUMS if f"x-amz-checksum-{alg}" in headers}


def _content_md5(headers: Mapping[str, str]) -> bytes | None:
    value = headers.get("content-md5")
    if value is None:
        return None
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != 16:
        raise S3RequestError("InvalidDigest", "The Content-MD5 you specified is not valid.")
    return digest


async def read_payload(
    stream: AsyncIterator[bytes],
    headers: Mapping[str, str],
    decoder_for: DecoderFactory | None,
    *,
    limit: int = MAX_PUT_SIZE,
) -> Payload:
    """Receive, decode and verify a body; raise S3's error for any mismatch.

    ``decoder_for`` builds the verifying aws-chunked decoder for a streaming marker; it is
    ``None`` for an unsigned request, which then cannot send a signed streaming body.
    """
    declared = headers.get("x-amz-content-sha256")
    decoder: ChunkedDecoder | None = None
    if declared in STREAMING_MARKERS:
        if decoder_for is None:
            raise S3RequestError("AccessDenied", "A signed streaming payload needs a signed request.", 403)
        decoder = decoder_for(declared)
    elif declared is not None and declared != UNSIGNED_PAYLOAD and len(declared) != 64:
        raise S3RequestError(
            "InvalidArgument", "x-amz-content-sha256 must be a hex SHA-256 digest or a marker."
        )
    want_md5 = _content_md5(headers)
    md5 = hashlib.md5(usedforsecurity=False)
    sha = hashlib.sha256() if decoder is None and declared not in (None, UNSIGNED_PAYLOAD) else None
    sums = {alg: _CHECKSUMS[alg]() for alg in _CHECKSUMS}
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 - returned
    size = 0
    try:
        async for raw in stream:
            data = decoder.feed(raw) if decoder is not None else raw
            if not data:
                continue
            size += len(data)
            if size > limit:
                raise S3RequestError(
                    "EntityTooLarge",
                    f"Your proposed upload exceeds the maximum allowed size of {limit} bytes.",
                )
            md5.update(data)
            if sha is not None:
                sha.update(data)
            for h in sums.values():
                h.update(data)
            spool.write(data)
        trailers = decoder.finish() if decoder is not None else {}
        decoded = headers.get("x-amz-decoded-content-length")
        if decoder is not None and decoded is not None and decoded != str(size):
            raise S3RequestError(
                "IncompleteBody", "The request body is not as long as x-amz-decoded-content-length says."
            )
        if sha is not None and sha.hexdigest() != declared:
            raise S3RequestError(
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
            )
        if want_md5 is not None and want_md5 != md5.digest():
            raise S3RequestError("BadDigest", "The Content-MD5 you specified did not match what we received.")
        claimed = _declared_checksums(headers)
        claimed.update(
            {
                k.removeprefix("x-amz-checksum-"): v
                for k, v in trailers.items()
                if k.startswith("x-amz-checksum-")
            }
        )
        for alg, value in claimed.items():
            if alg in sums and base64.b64encode(sums[alg].digest()).decode() != value:
                raise S3RequestError(
                    "BadDigest", f"The {alg.upper()} you specified did not match the calculated checksum."
                )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return Payload(cast(BinaryIO, spool), size, md5.hexdigest())
