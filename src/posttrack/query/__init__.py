"""Pure questions over a model: topic-name resolution (topics), timelines and
the position as of a date (timeline), and two dates compared (diff).
"""
