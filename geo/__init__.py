"""Everything spatial: sources, layers, the joined commune layer, lookup, web map.

``geo`` knows nothing of aids; it speaks of places and zones only.
"""
