"""Lore to Discord payloads: embeds, choices and their limits. Pure functions, no I/O."""
