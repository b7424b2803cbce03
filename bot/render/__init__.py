"""Lore to Discord payloads: embeds, choices and their limits. Pure functions, no I/O.

The one memory kept (`screens`' screens, per immutable book) cannot change what a call returns.
"""
