"""An optional language-model voice for Lermontov, kept to the lore by a checker.

The offline answer is always worked out first: its sources are the passages the model is given
(no second retrieval), and it is what the member sees whenever the model's reply fails the
checker, is late, refused, empty or malformed. No Discord here: the chat cog, the console and
`python -m bot ask` all call `respond`.
"""
