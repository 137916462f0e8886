"""The answering steps: from retrieved hits to a checked, cited Answer.

`pipeline.py` runs them in order; each other module is one step (prompt, output parsing,
citation checks, refusal, quotes, translation, follow-up condensing) with its values in
`types.py`.
"""
