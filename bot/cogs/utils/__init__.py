"""What several cogs share (R. Danny's `cogs/utils` shape): replies, checks, paged screens.

Not an extension: nothing here registers commands. Cogs import it; nothing below the cogs does.
Every handler and UI hook takes `discord.Interaction[RedShoesBot]`. discord.py types its UI hooks
(`callback`, `interaction_check`, `on_submit`, `from_custom_id`) for any client, so each of our
overrides tells mypy the narrowing is deliberate with `# type: ignore[override]`.
"""
