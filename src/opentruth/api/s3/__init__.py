"""S3's REST-XML protocol over the object store, authorised like AWS.

Mount it on the shared endpoint with :func:`mount_s3` (or register :class:`S3Api` yourself)::

    app = create_app(resources)
    mount_s3(app, runtime.res.store)
"""

from opentruth.api.s3.mount import AnonymousS3, mount_s3
from opentruth.api.s3.service import OPERATIONS, S3Api

__all__ = ["OPERATIONS", "AnonymousS3", "S3Api", "mount_s3"]
