"""The metrics registry: each bot has its own, and lore reloads are read from the library."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics


def test_reloads_are_read_at_each_scrape_and_bots_do_not_share_counts() -> None:
    counts = {"ok": 2}
    first, second = Metrics(lambda: counts), Metrics(dict)
    first.interactions.labels("/film", "ok").inc()
    counts["refused"] = 1
    families = {f.name: f for f in text_string_to_metric_families(first.text().decode())}
    reloads = {s.labels["result"]: s.value for s in families["redshoes_lore_reloads"].samples}
    assert reloads == {"ok": 2, "refused": 1}
    assert "/film" not in second.text().decode()
