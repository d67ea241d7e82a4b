"""opentruth.iam"""
