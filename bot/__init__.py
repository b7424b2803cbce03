"""The Red Shoes bot: lore of the 1948 film, told in Boris Lermontov's voice."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("redshoes-bot")
except PackageNotFoundError:  # a source tree run without `pip install`: no metadata to read
    __version__ = "0+unknown"
"""The installed package's version (pyproject.toml is the one place it is written)."""
