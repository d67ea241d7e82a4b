"""opentruth.cloud"""
