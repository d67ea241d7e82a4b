"""opentruth.portal"""
