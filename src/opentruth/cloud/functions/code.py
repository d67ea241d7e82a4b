"""A function's code: zip a folder, unpack a zip safely, check the handler and Lambda's limits.

A zip is unpacked only if every member is a plain file or folder under the target: no absolute
path, no ``..``, no backslash and no symbolic link (a link could point a later write outside the
function's folder). Sizes are Lambda's quotas for a direct upload.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path, PurePosixPath

from opentruth.errors import ValidationError

__all__ = ["MAX_UNZIPPED_BYTES", "MAX_ZIP_BYTES", "FunctionCodeError", "check_limits", "zip_folder"]

#: Lambda's quotas for a direct upload (zipped) and for the unpacked code.
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
RUNTIME = re.compile(r"^python3\.\d{1,2}$")
_HANDLER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


class FunctionCodeError(ValidationError):
    """A zip or folder that cannot be a function's code (unsafe paths, too big, no handler)."""


def zip_folder(folder: str | Path) -> bytes:
    """Zip a code folder (``__pycache__`` and dot-files left out), as ``functions create --code``."""
    root = Path(folder)
    if not root.is_dir():
        raise FunctionCodeError(
            f"--code {folder}: not a folder; give the folder that holds the handler module"
        )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if any(p.startswith(".") or p == "__pycache__" for p in rel.parts) or not path.is_file():
                continue
            zf.write(path, rel.as_posix())
    return buf.getvalue()


def unpack(code_zip: bytes, target: Path) -> int:
    """Unpack a zip safely (no absolute paths, no ``..``, no links); return the unpacked size."""
    if len(code_zip) > MAX_ZIP_BYTES:
        raise FunctionCodeError(f"the code zip is {len(code_zip)} bytes; the limit is {MAX_ZIP_BYTES}")
    try:
        zf = zipfile.ZipFile(io.BytesIO(code_zip))
    except zipfile.BadZipFile:
        raise FunctionCodeError(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        ) from None
    total = 0
    with zf:
        members = zf.infolist()
        for info in members:
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
                raise FunctionCodeError(f"the code zip has an unsafe path {info.filename!r}")
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise FunctionCodeError(
                    f"the code zip has a symbolic link {info.filename!r}; links are not allowed"
                )
            total += info.file_size
            if total > MAX_UNZIPPED_BYTES:
                raise FunctionCodeError(f"the unpacked code is over {MAX_UNZIPPED_BYTES} bytes")
        target.mkdir(parents=True, exist_ok=True)
        for info in members:
            dest = target.joinpath(*PurePosixPath(info.filename).parts)
            if info.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
    return total


def check_handler(handler: str, code_dir: Path) -> None:
    """``handler`` is ``module.func`` and the code holds that module."""
    if not _HANDLER.match(handler):
        raise ValidationError(
            f"handler {handler!r} must be module.function (e.g. lambda_function.lambda_handler)"
        )
    module = handler.rpartition(".")[0].replace(".", "/")
    if not ((code_dir / f"{module}.py").is_file() or (code_dir / module / "__init__.py").is_file()):
        raise FunctionCodeError(
            f"handler {handler!r}: the code has no {module}.py (nor {module}/__init__.py); "
            "zip the folder that holds the module at its top level"
        )


def check_limits(timeout: int, memory_size: int) -> None:
    """Lambda's ranges for ``Timeout`` and ``MemorySize``."""
    if not 1 <= timeout <= 900:
        raise ValidationError(f"Timeout {timeout}: must be 1 to 900 seconds")
    if not 128 <= memory_size <= 10240:
        raise ValidationError(f"MemorySize {memory_size}: must be 128 to 10240 MB")
