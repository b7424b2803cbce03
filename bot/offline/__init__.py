"""Discord without Discord: real interaction payloads in, every outgoing request recorded.

Used by the offline console and by the command tests, so both run the real handlers through
discord.py's own `ConnectionState`, `Interaction` and `CommandTree`.
"""
