"""Search and matching: the engine (Chinese segmentation, keyword and dense search, fusion), the
site's indexes of listings, demands and experts, ranked matches with their reasons, and the
users' judgements of them.

:mod:`~datong.matching.engine` and :mod:`~datong.matching.evaluate` are a pure library (no
Django); :mod:`~datong.matching.store` keeps the site's indexes under the data directory and
:mod:`~datong.matching.ranking` turns hits into explained matches.
"""
