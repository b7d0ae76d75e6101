"""The application layer: the ``zonage`` command line, the app's service functions and the
renderers of places and aids. It wires :mod:`geo` (places) to :mod:`zonage` (aids); neither of
them imports it. ``app.py`` and ``serve.py`` are thin pages over it.
"""
