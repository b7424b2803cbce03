"""Per-server lore overlays: the store interface (`base`), SQLite backend, schema migrations."""
