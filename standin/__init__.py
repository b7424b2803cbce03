"""A local stand-in for Discord's REST API and gateway, shared by the end-to-end tests and bench.

Not part of the bot (it is not installed with it): `tests/e2e` drives the real discord.py client
against it, and `bench/e2e.py` measures our bot against a bare one through it. Both import it
from here so neither reaches into the other.
"""
