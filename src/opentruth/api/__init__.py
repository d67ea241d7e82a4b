"""opentruth.api"""
