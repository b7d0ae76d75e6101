"""Layer loaders: one module per source, each returning a clean frame keyed by the current
(COG 2026) INSEE code, and a report of where every source row went.

Malformed inputs (missing column, bad code, invalid geometry) raise
:class:`zonage.errors.DataError` with a one-line French message naming the file.
"""
