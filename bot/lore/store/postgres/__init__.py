"""The guild and score stores on PostgreSQL (asyncpg), for several bot processes sharing state.

`DATABASE_URL=postgresql://...` selects it (`bot.lore.store.opening`). The statements are the
engine-neutral ones the SQLite store runs (`bot.lore.store.guilds`, `bot.quiz.sql`); this package
adds the plumbing (a connection pool, transactions, faults as `StorageError`), its own versioned
migrations, and change notifications between processes (LISTEN/NOTIFY).
"""
