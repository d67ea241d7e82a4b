"""opentruth.labeling"""
