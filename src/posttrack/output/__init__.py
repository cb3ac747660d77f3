"""Presentation, the only place that imports rich: the JSON/CSV record contract
(records), escaping (escape), machine formats (formats), each command's columns
(columns), terminal views (views, terminal), tables (tables) and the timeline's
line layout (layout).
"""
