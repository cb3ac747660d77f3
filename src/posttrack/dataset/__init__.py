"""A file on disk -> a validated model, and its parsed copy in the cache.

safe YAML reading (yamlsafe), field validation (validate), cross-checks
(crosscheck), loading (load), the cached copy (snapshot) and `check` (check).
"""
