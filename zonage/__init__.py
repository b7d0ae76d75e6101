"""The domain: aid catalogue, profiles, zones and the eligibility engine.

Nothing here knows about geometry, files of the built layer or the application: ``geo`` reads
this package's contracts (place facts, errors, wording), and the application layer
(:mod:`application`) wires the two together.
"""
