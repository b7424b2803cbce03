"""The Red Shoes bot: lore of the 1948 film, told in Boris Lermontov's voice."""
