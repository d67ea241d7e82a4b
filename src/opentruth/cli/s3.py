"""``opentruth s3 mb|cp|ls``: the configured object store, with the AWS CLI's syntax and output.

These commands act on the store directly, as its owner: no role is involved (a labeling job's
accesses are the ones authorised through its role). The embedded store is safe for several
processes, so they can run next to ``opentruth serve``.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from opentruth.cli.common import DataOption, StoreOption
from opentruth.cli.context import EXIT_FAILURE, EXIT_USAGE, fail, reported
from opentruth.errors import OpenTruthError, ValidationError

if TYPE_CHECKING:
    from opentruth.cloud.objectstore import ObjectStore

app = typer.Typer(help="Buckets and objects of the object store (AWS CLI syntax).", no_args_is_help=True)

STDIO = "-"

# The s3 commands need no database; --db is accepted (and unused) so that every opentruth
# command takes the same --data/--db/--store options and scripts can pass them uniformly.
UnusedDbOption = Annotated[
    str | None, typer.Option("--db", metavar="URL", hidden=True, help="Not used by s3 commands.")
]


def _store(data: str | None, store: str | None) -> ObjectStore:
    from opentruth.runtime import Settings, open_store

    with reported():
        return open_store(Settings.resolve(data, None, store))


def split_uri(uri: str, *, option: str) -> tuple[str, str]:
    """``s3://bucket/key`` → ``(bucket, key)`` (the key may be empty); a usage error otherwise."""
    if not uri.startswith("s3://"):
        fail(f"{option} {uri!r} is not an s3://bucket/key URI", EXIT_USAGE)
    bucket, _, key = uri[len("s3://") :].partition("/")
    if not bucket:
        fail(f"{option} {uri!r} names no bucket; use s3://bucket/key", EXIT_USAGE)
    return bucket, key


def _s3_error(verb: str, exc: OpenTruthError) -> None:
    """The AWS CLI's failure line: ``<verb> failed: ... An error occurred (<Code>) ...``."""
    code = getattr(exc, "s3_code", None) or exc.aws_code
    fail(f"{verb} failed: An error occurred ({code}): {exc.message}", EXIT_FAILURE)


@app.command("mb")
def make_bucket(
    uri: Annotated[str, typer.Argument(metavar="s3://BUCKET", help="The bucket to create.")],
    data: DataOption = None,
    db: UnusedDbOption = None,
    store: StoreOption = None,
) -> None:
    """Create a bucket."""
    bucket, key = split_uri(uri, option="bucket")
    if key.strip("/"):
        fail(f"{uri!r} has a key; mb takes only s3://BUCKET", EXIT_USAGE)
    objects = _store(data, store)
    try:
        objects.create_bucket(bucket)
    except OpenTruthError as exc:
        _s3_error(f"make_bucket: s3://{bucket}", exc)
    typer.echo(f"make_bucket: {bucket}")


# --------------------------------------------------------------------------------------------
# cp
# --------------------------------------------------------------------------------------------


def _content_type(path: str) -> str | None:
    # Like the AWS CLI, guess the Content-Type from the file name.
    guessed, _ = mimetypes.guess_type(path)
    return guessed


def _download(objects: ObjectStore, bucket: str, key: str, target: Path) -> None:
    """Stream the object to a temporary file next to ``target``, then rename it into place,
    so an interrupted download never leaves a truncated file under the target's name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, objects.open_stream(bucket, key) as stream:
            for chunk in stream:
                out.write(chunk)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _local_files(folder: Path) -> Iterator[tuple[Path, str]]:
    """Every file under ``folder`` with its relative path in ``/`` form, sorted."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path, path.relative_to(folder).as_posix()


def _join_key(prefix: str, name: str) -> str:
    return f"{prefix}{name}" if not prefix or prefix.endswith("/") else f"{prefix}/{name}"


def _copy_one(objects: ObjectStore, src: str, dst: str) -> str:
    """Copy one file or object; return the AWS CLI's progress line."""
    src_s3, dst_s3 = src.startswith("s3://"), dst.startswith("s3://")
    if src_s3:
        bucket, key = split_uri(src, option="source")
        if not key or key.endswith("/"):
            fail(f"source {src!r} names no object; give s3://bucket/key, or use --recursive", EXIT_USAGE)
        name = key.rsplit("/", 1)[-1]
        if dst_s3:
            dbucket, dkey = split_uri(dst, option="destination")
            dkey = _join_key(dkey, name) if not dkey or dkey.endswith("/") else dkey
            objects.copy_object(bucket, key, dbucket, dkey)
            return f"copy: {src} to s3://{dbucket}/{dkey}"
        if dst == STDIO:
            with objects.open_stream(bucket, key) as stream:
                for chunk in stream:
                    sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            return ""
        target = Path(dst)
        if target.is_dir() or dst.endswith(("/", os.sep)):
            target = target / name
        _download(objects, bucket, key, target)
        return f"download: {src} to {dst if target == Path(dst) else target}"
    if not dst_s3:
        fail("one of SOURCE and DESTINATION must be an s3:// URI; use cp for local copies", EXIT_USAGE)
    dbucket, dkey = split_uri(dst, option="destination")
    if src == STDIO:
        if not dkey or dkey.endswith("/"):
            fail(f"destination {dst!r} names no object; give s3://bucket/key when reading stdin", EXIT_USAGE)
        objects.put_object(dbucket, dkey, sys.stdin.buffer.read())
        return ""
    source = Path(src)
    if source.is_dir():
        fail(f"{src} is a folder; copy folders with --recursive", EXIT_USAGE)
    if not source.is_file():
        fail(f"the file {src} does not exist; check the path", EXIT_USAGE)
    if not dkey or dkey.endswith("/"):
        dkey = _join_key(dkey, source.name)
    with source.open("rb") as body:
        objects.put_object(dbucket, dkey, body, content_type=_content_type(src))
    return f"upload: {src} to s3://{dbucket}/{dkey}"


def _copy_recursive(objects: ObjectStore, src: str, dst: str) -> Iterator[str]:
    from opentruth.cloud.objectstore import iter_all_objects

    if src.startswith("s3://"):
        bucket, prefix = split_uri(src, option="source")
        if prefix and not prefix.endswith("/"):
            prefix += "/"  # s3://b/dir means the objects under dir/, as in the AWS CLI
        for summary in iter_all_objects(objects, bucket, prefix):
            rel = summary.key[len(prefix) :]
            if not rel or rel.endswith("/"):
                continue  # "folder" marker objects have no file to become
            if dst.startswith("s3://"):
                dbucket, dkey = split_uri(dst, option="destination")
                target_key = _join_key(dkey, rel)
                objects.copy_object(bucket, summary.key, dbucket, target_key)
                yield f"copy: s3://{bucket}/{summary.key} to s3://{dbucket}/{target_key}"
                continue
            root = Path(dst).resolve()
            target = (root / rel).resolve()
            # A key such as "../x" must not write outside the destination folder.
            if not target.is_relative_to(root):
                raise ValidationError(
                    f"key {summary.key!r} would be written outside {dst}; rename the object or copy it alone"
                )
            _download(objects, bucket, summary.key, target)
            yield f"download: s3://{bucket}/{summary.key} to {Path(dst) / rel}"
        return
    if not dst.startswith("s3://"):
        fail("one of SOURCE and DESTINATION must be an s3:// URI", EXIT_USAGE)
    folder = Path(src)
    if not folder.is_dir():
        fail(f"the folder {src} does not exist; check the path", EXIT_USAGE)
    dbucket, dkey = split_uri(dst, option="destination")
    for path, rel in _local_files(folder):
        key = _join_key(dkey, rel)
        with path.open("rb") as body:
            objects.put_object(dbucket, key, body, content_type=_content_type(rel))
        yield f"upload: {path} to s3://{dbucket}/{key}"


@app.command("cp")
def copy(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="A local file (or -), or s3://bucket/key.")],
    destination: Annotated[
        str, typer.Argument(metavar="DESTINATION", help="s3://bucket/key, or a local path (or -).")
    ],
    recursive: Annotated[
        bool, typer.Option("--recursive", help="Copy a whole folder, or every object under a prefix.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
    data: DataOption = None,
    db: UnusedDbOption = None,
    store: StoreOption = None,
) -> None:
    """Copy a local file to the store, an object to a local file, or an object to another key."""
    objects = _store(data, store)
    try:
        if recursive:
            for line in _copy_recursive(objects, source, destination):
                if not quiet:
                    typer.echo(line)
            return
        line = _copy_one(objects, source, destination)
    except OpenTruthError as exc:
        _s3_error(f"copy: {source} to {destination}", exc)
    except OSError as exc:
        fail(f"copy: {source} to {destination} failed: {exc}", EXIT_FAILURE)
    if line and not quiet:
        typer.echo(line)


# --------------------------------------------------------------------------------------------
# ls
# --------------------------------------------------------------------------------------------


def _when(at: datetime) -> str:
    # The AWS CLI shows times in the local time zone, to the second.
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


@app.command("ls")
def list_objects(
    uri: Annotated[
        str | None,
        typer.Argument(metavar="[s3://BUCKET[/PREFIX]]", help="Bucket and prefix; none lists buckets."),
    ] = None,
    recursive: Annotated[
        bool, typer.Option("--recursive", help="List every object under the prefix, with full keys.")
    ] = False,
    summarize: Annotated[
        bool, typer.Option("--summarize", help="End with the number of objects and their total size.")
    ] = False,
    data: DataOption = None,
    db: UnusedDbOption = None,
    store: StoreOption = None,
) -> None:
    """List buckets, or the objects and common prefixes under s3://BUCKET/PREFIX."""
    objects = _store(data, store)
    if uri is None or uri in ("s3://", "s3:"):
        with reported():
            for b in objects.list_buckets():
                typer.echo(f"{_when(b.creation_date)} {b.name}")
        return
    bucket, prefix = split_uri(uri, option="path")
    # Names are shown relative to the prefix's "folder", as the AWS CLI does.
    shown_from = 0 if recursive else prefix.rfind("/") + 1
    count = total = 0
    token: str | None = None
    try:
        while True:
            page = objects.list_objects(
                bucket, prefix=prefix, delimiter=None if recursive else "/", continuation_token=token
            )
            for common in page.common_prefixes:
                typer.echo(f"{'PRE':>30} {common[shown_from:]}")
            for obj in page.objects:
                count += 1
                total += obj.size
                typer.echo(f"{_when(obj.last_modified)} {obj.size:>10} {obj.key[shown_from:]}")
            token = page.next_continuation_token
            if not page.is_truncated or token is None:
                break
    except OpenTruthError as exc:
        _s3_error(f"ls: {uri}", exc)
    if summarize:
        typer.echo("")
        typer.echo(f"Total Objects: {count}")
        typer.echo(f"   Total Size: {total}")
