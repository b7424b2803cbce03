"""Local stand-ins for Discord's REST API and gateway (`fake_discord`) and for an
OpenAI-compatible model server (`openai_chat`), shared by the tests and bench.

Not part of the bot (it is not installed with it): `tests/e2e` drives the real discord.py client
against it, and `bench/e2e.py` measures our bot against a bare one through it. Both import it
from here so neither reaches into the other.
"""
