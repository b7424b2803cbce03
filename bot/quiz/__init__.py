"""The trivia quiz: questions from the lore, the game's rules, and the store contract for points.

No Discord here: the cog shows a game through a `QuizHost`, `bot.render.quiz` draws it, and the
same engine runs in the console and the tests. Its lines are Lermontov's (`bot.persona.lines`);
nothing in the persona or the lore imports the quiz.
"""
