"""Pure-Python lore layer: schema, loader, search, servers' overlays and their store.

It never imports discord, so the offline console, `python -m bot ask` and the tests use it as is.
"""
