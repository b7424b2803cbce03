"""discord.py glue: one cog per capability, each thin (parse options, call down, render, send)."""
