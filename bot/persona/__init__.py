"""The voice: Lermontov's lines, the scripted replay and the audition. Never imports discord."""
