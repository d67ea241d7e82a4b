"""opentruth.cloud: the resources a labeling job touches, behind small ports.

- :mod:`~opentruth.cloud.objectstore`: the object-store port (S3's model), its value types and
  errors; adapters :mod:`~opentruth.cloud.embedded_store` (a folder, the default) and
  :mod:`~opentruth.cloud.s3_store` (S3 or any S3-compatible store, through boto3).
- :mod:`~opentruth.cloud.session`: the job's session of its execution role, which authorises
  every request with the IAM engine; :mod:`~opentruth.cloud.authorized_store` puts it in front
  of an object store.
- :mod:`~opentruth.cloud.logs` and :mod:`~opentruth.cloud.metrics`: the CloudWatch-like ports;
  :mod:`~opentruth.cloud.advisory` runs their requests without failing the job on a denial.
"""
