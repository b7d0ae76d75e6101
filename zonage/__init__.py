"""The domain: aid catalogue, profiles, zones and the eligibility engine.

Nothing in the domain modules knows about geometry. The only modules that reach into ``geo`` are
the entry points in :mod:`zonage.cli` and :mod:`zonage.service`, which wire the two together.
"""
