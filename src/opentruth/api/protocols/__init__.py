"""Wire protocols of AWS services: JSON 1.0/1.1 and the query protocol (form in, XML out).

Each module turns an operation's result into the body botocore's parser expects for that
protocol, and an error into the body and headers from which boto3 raises the modeled exception.
"""
