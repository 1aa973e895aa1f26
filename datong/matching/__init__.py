"""Search and matching engine: Chinese segmentation, keyword (tantivy) and dense search, fusion.

A pure library (no Django models): :mod:`datong.matching.engine` builds and queries a
:class:`~datong.matching.engine.HybridIndex`; :mod:`datong.matching.evaluate` measures it.
"""
