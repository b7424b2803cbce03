"""Pure-Python lore layer: schema, loader, search. Never imports discord."""
