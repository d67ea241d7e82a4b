"""Functions (Lambda): register, invoke and guard them with resource policies.

A function lives under ``arn:aws:lambda:<region>:<account>:function:<name>`` and is either

- a **Python handler** (``module.func`` with Lambda's ``(event, context)`` signature) whose code
  (a zip, or a folder zipped on the way in) is unpacked under ``DATA/functions/<name>/<sha>/``
  and run in a worker process with a timeout and a memory limit
  (:mod:`opentruth.cloud.functions_runtime`), as its ``Role`` (:mod:`.credentials`); or
- an **HTTP endpoint** that receives the event as a JSON ``POST`` body and answers JSON
  (:mod:`.http`).

The package is split along its seams:

================  ===========================================================================
``model``         :class:`FunctionInfo`, :class:`InvokeResult` and the port :class:`FunctionStore`
``code``          zipping a folder, unpacking a zip safely, the handler and Lambda's limits
``embedded``      :class:`EmbeddedFunctions`, the adapter over the database
``credentials``   the role a function runs as: STS sessions of ``lambda.amazonaws.com``, cached
``http``          invoking an HTTP endpoint
``calls``         what callers share: :func:`authorize_invoke`, :func:`invoke_with_retries`
================  ===========================================================================

Every failure of an invocation (an exception, a crash, a timeout, a reply that is not JSON, a
role that cannot be assumed) comes back as an :class:`InvokeResult` with Lambda's error object,
never as a Python exception: callers decide whether to retry (:func:`invoke_with_retries`).
Resource policies (``AddPermission``) are stored with the function and evaluated together with
the caller's policies (:func:`authorize_invoke`), as Lambda does.
"""

from opentruth.cloud.functions.calls import (
    RetryPolicy,
    authorize_invoke,
    function_arn_of,
    invoke_with_retries,
)
from opentruth.cloud.functions.code import MAX_UNZIPPED_BYTES, MAX_ZIP_BYTES, FunctionCodeError, zip_folder
from opentruth.cloud.functions.credentials import LAMBDA_PRINCIPAL, FunctionCredentials, FunctionRoleError
from opentruth.cloud.functions.embedded import EmbeddedFunctions
from opentruth.cloud.functions.model import FunctionInfo, FunctionStore, InvokeResult

__all__ = [
    "LAMBDA_PRINCIPAL",
    "MAX_UNZIPPED_BYTES",
    "MAX_ZIP_BYTES",
    "EmbeddedFunctions",
    "FunctionCodeError",
    "FunctionCredentials",
    "FunctionInfo",
    "FunctionRoleError",
    "FunctionStore",
    "InvokeResult",
    "RetryPolicy",
    "authorize_invoke",
    "function_arn_of",
    "invoke_with_retries",
    "zip_folder",
]
