"""AWS service models, as botocore ships them: protocol metadata, operations and input validation.

A base module, like :mod:`opentruth.errors`: the labeling, cloud and api layers all import it,
and it imports nothing of opentruth's except :mod:`opentruth.errors`.

- :mod:`.service` loads a botocore service model once and exposes its wire protocol, its
  operations and each operation's modeled error codes.
- :mod:`.validate` checks a request against the operation's input shape with AWS's own
  ``ValidationException`` wording, including the ``max``, ``pattern`` and ``enum`` constraints
  that botocore's client-side validator skips.
- :mod:`.tasktypes` recognises Ground Truth's built-in task types from their Lambda and UI ARNs.
- :mod:`.labeling` adds the CreateLabelingJob rules that the model cannot express.
"""
