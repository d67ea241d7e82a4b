"""Decoding ``aws-chunked`` bodies (S3 streaming uploads), verifying each chunk's signature.

With ``x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD`` the body is a series of
chunks, each signed with the signature of the one before it (the first one chains from the
request's own signature)::

    <hex size>;chunk-signature=<64 hex>\\r\\n<data>\\r\\n ... 0;chunk-signature=<64 hex>\\r\\n\\r\\n

Each chunk's string to sign is ``AWS4-HMAC-SHA256-PAYLOAD \\n date \\n scope \\n previous
signature \\n sha256("") \\n sha256(data)``. The ``…-PAYLOAD-TRAILER`` variant ends with trailer
headers (``x-amz-checksum-crc32:…``) and an ``x-amz-trailer-signature``;
``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` has chunks without signatures.

:class:`ChunkedDecoder` is sans-IO and incremental: feed it the bytes as they arrive and it
returns the payload bytes of every chunk whose signature is verified. Nothing unverified is ever
released, so a handler can stream an upload to storage and still refuse a forged chunk.
"""

from __future__ import annotations

import hashlib
import hmac

from opentruth.api.sigv4 import (
    EMPTY_SHA256,
    STREAMING_PAYLOAD,
    STREAMING_PAYLOAD_TRAILER,
    STREAMING_UNSIGNED_TRAILER,
    Failure,
    SigV4Error,
)
from opentruth.errors import ValidationError

#: Streaming markers this decoder handles.
STREAMING_MARKERS = frozenset({STREAMING_PAYLOAD, STREAMING_PAYLOAD_TRAILER, STREAMING_UNSIGNED_TRAILER})
_MAX_LINE = 4096
#: S3 caps a part at 5 GiB, but no client sends chunks anywhere near that; 16 MiB bounds memory.
MAX_CHUNK = 16 * 1024 * 1024


class ChunkedBodyError(ValidationError):
    """The aws-chunked body does not follow the format (S3 answers ``IncompleteBody``)."""

    aws_code = "IncompleteBody"
    http_status = 400


class ChunkedDecoder:
    """Incremental aws-chunked decoder with chunk-signature verification.

    ``signing_key`` is :func:`opentruth.api.sigv4.signing_key` of the request's scope; ``seed`` is
    the request's signature. For ``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` pass ``signed=False``.
    """

    def __init__(
        self,
        *,
        signing_key: bytes | None,
        amz_date: str,
        scope: str,
        seed: str,
        signed: bool = True,
        trailer: bool = False,
        max_chunk: int = MAX_CHUNK,
    ) -> None:
        if signed and signing_key is None:
            raise ValueError("a signed chunked body needs the signing key")
        self._key = signing_key
        self._date = amz_date
        self._scope = scope
        self._previous = seed
        self._signed = signed
        self._trailer = trailer
        self._max_chunk = max_chunk
        self._buf = bytearray()
        self._state = "header"
        self._size = 0
        self._chunk_sig = ""
        self.trailers: dict[str, str] = {}
        self._trailer_lines: list[str] = []
        self.decoded_length = 0

    @classmethod
    def for_marker(
        cls, marker: str, *, signing_key: bytes | None, amz_date: str, scope: str, seed: str
    ) -> ChunkedDecoder:
        """A decoder for the ``x-amz-content-sha256`` marker of the request."""
        if marker not in STREAMING_MARKERS:
            raise ChunkedBodyError(f"x-amz-content-sha256 {marker!r} is not a streaming payload marker")
        return cls(
            signing_key=signing_key,
            amz_date=amz_date,
            scope=scope,
            seed=seed,
            signed=marker != STREAMING_UNSIGNED_TRAILER,
            trailer=marker != STREAMING_PAYLOAD,
        )

    @property
    def done(self) -> bool:
        """True once the final chunk (and trailers) were read."""
        return self._state == "done"

    def feed(self, data: bytes) -> bytes:
        """Add received bytes; return the payload bytes verified so far (possibly empty)."""
        if self._state == "done":
            if data.strip(b"\r\n"):
                raise ChunkedBodyError("data after the final chunk of an aws-chunked body")
            return b""
        self._buf += data
        out = bytearray()
        while True:
            if self._state == "header":
                line = self._line()
                if line is None:
                    break
                self._header(line)
            elif self._state == "data":
                if len(self._buf) < self._size + 2:
                    break
                chunk = bytes(self._buf[: self._size])
                if self._buf[self._size : self._size + 2] != b"\r\n":
                    raise ChunkedBodyError("a chunk of the aws-chunked body is longer than its declared size")
                del self._buf[: self._size + 2]
                self._verify_chunk(chunk)
                out += chunk
                self.decoded_length += len(chunk)
                self._state = "header"
            elif self._state == "final":
                if not self._after_final():
                    break
            else:
                break
        return bytes(out)

    def finish(self) -> dict[str, str]:
        """Check that the body ended properly; return the trailer headers (if any)."""
        if self._state != "done":
            raise ChunkedBodyError("the aws-chunked body ended before its final (zero-length) chunk")
        return dict(self.trailers)

    # ------------------------------------------------------------------ internals

    def _line(self) -> str | None:
        end = self._buf.find(b"\r\n")
        if end < 0:
            if len(self._buf) > _MAX_LINE:
                raise ChunkedBodyError("an aws-chunked chunk header is too long")
            return None
        raw = bytes(self._buf[:end])
        del self._buf[: end + 2]
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError:
            raise ChunkedBodyError("an aws-chunked chunk header is not ASCII") from None

    def _header(self, line: str) -> None:
        size_text, _, ext = line.partition(";")
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ChunkedBodyError(f"bad aws-chunked chunk size {size_text[:20]!r}") from None
        if size < 0 or size > self._max_chunk:
            raise ChunkedBodyError(
                f"aws-chunked chunk of {size} bytes exceeds the limit of {self._max_chunk}"
            )
        if self._signed:
            name, _, sig = ext.partition("=")
            if name != "chunk-signature" or len(sig) != 64:
                raise ChunkedBodyError("each aws-chunked chunk needs ';chunk-signature=<64 hex>'")
            self._chunk_sig = sig
        self._size = size
        if size == 0:
            self._verify_chunk(b"")
            self._state = "final"
        else:
            self._state = "data"

    def _verify_chunk(self, chunk: bytes) -> None:
        if not self._signed:
            return
        assert self._key is not None
        sts = "\n".join(
            (
                "AWS4-HMAC-SHA256-PAYLOAD",
                self._date,
                self._scope,
                self._previous,
                EMPTY_SHA256,
                hashlib.sha256(chunk).hexdigest(),
            )
        )
        expected = hmac.new(self._key, sts.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), self._chunk_sig.encode()):
            raise SigV4Error(
                Failure.SIGNATURE,
                "The chunk signature we calculated does not match the signature you provided.",
            )
        self._previous = expected

    def _after_final(self) -> bool:
        """Read the trailer section after the zero chunk; True when the body is complete."""
        while True:
            line = self._line()
            if line is None:
                return False
            if line == "":
                self._finish_trailers()
                self._state = "done"
                return True
            if not self._trailer:
                raise ChunkedBodyError("unexpected trailer after the final aws-chunked chunk")
            name, colon, value = line.partition(":")
            if not colon:
                raise ChunkedBodyError(f"bad aws-chunked trailer line {line[:60]!r}")
            if name.strip().lower() == "x-amz-trailer-signature":
                self.trailers["x-amz-trailer-signature"] = value.strip()
            else:
                self._trailer_lines.append(f"{name.strip().lower()}:{value.strip()}")
                self.trailers[name.strip().lower()] = value.strip()

    def _finish_trailers(self) -> None:
        if not (self._signed and self._trailer):
            return
        claimed = self.trailers.pop("x-amz-trailer-signature", "")
        assert self._key is not None
        text = "".join(f"{line}\n" for line in self._trailer_lines)
        sts = "\n".join(
            (
                "AWS4-HMAC-SHA256-TRAILER",
                self._date,
                self._scope,
                self._previous,
                hashlib.sha256(text.encode()).hexdigest(),
            )
        )
        expected = hmac.new(self._key, sts.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), claimed.encode()):
            raise SigV4Error(
                Failure.SIGNATURE,
                "The trailer signature we calculated does not match the signature you provided.",
            )


def encode_chunked(
    payload: bytes, *, signing_key: bytes, amz_date: str, scope: str, seed: str, chunk_size: int = 65536
) -> bytes:
    """Encode ``payload`` as a signed aws-chunked body (what SDKs send; for tests and tools)."""
    out = bytearray()
    previous = seed
    pieces = [payload[i : i + chunk_size] for i in range(0, len(payload), chunk_size)] + [b""]
    for piece in pieces:
        sts = "\n".join(
            (
                "AWS4-HMAC-SHA256-PAYLOAD",
                amz_date,
                scope,
                previous,
                EMPTY_SHA256,
                hashlib.sha256(piece).hexdigest(),
            )
        )
        previous = hmac.new(signing_key, sts.encode(), hashlib.sha256).hexdigest()
        out += f"{len(piece):x};chunk-signature={previous}\r\n".encode() + piece + b"\r\n"
    return bytes(out)
