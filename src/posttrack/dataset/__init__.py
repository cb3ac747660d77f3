"""A file on disk -> a validated model, and its parsed copy in the cache.

Safe YAML reading (yamlsafe), field validation (validate), cross-checks
(crosscheck), loading (load), the cached copy (snapshot, over cache for where
it lives and whether it still holds, and codec for its stored shape) and
`check`'s outcome (check).
"""
