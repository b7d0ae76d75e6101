"""Benchmarks that print figures (``python -m geo.bench [SECTION ...]``).

Each section is a module of this package exposing ``run(out: Callable[[str], None]) -> None``;
they are measured on the real mirror and print numbers, never assert timings.
"""
