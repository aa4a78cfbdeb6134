"""Benchmarks for ``make bench``: never part of the timed test suite.

Each module in this package defines ``run(quick: bool) -> list[dict]``; every row names what was
measured, the figure, its unit, and - the point of a benchmark here - a ratio against a baseline
measured in the same process on the same data, so figures from different machines compare.
"""
