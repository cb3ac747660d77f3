"""The text engine: normalisation with its offset map (normalize), the document's
lines and paragraph numbers (labels), locating quotes in a source (locate),
`check`'s verification (verify), the full-text index (index), the corpus a cite
searches (corpus) and the search itself (search).
"""
