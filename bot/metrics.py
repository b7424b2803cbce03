"""What the running bot counts, served as Prometheus text, and whether it is healthy.

`METRICS_PORT` turns on one small aiohttp server on the bot's own event loop (no thread, no second
process) with two routes: `/metrics` (prometheus-client's text format) and `/healthz` (200 once the
bot is logged in with lore loaded and the store open, 503 before that and while shutting down).
It binds `METRICS_HOST`, 127.0.0.1 by default: the figures are for the operator, not the internet.
Each bot has its own registry, so tests can run several bots in one process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
"""Seconds; Discord allows 3 s for an answer, so the buckets resolve well below that."""


class _Reloads(Collector):
    """Lore reloads as the lore library counts them (the lore layer knows nothing of metrics)."""

    def __init__(self, counts: Callable[[], Mapping[str, int]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily("redshoes_lore_reloads", "Lore reloads", labels=["result"])
        counts = self.counts()
        for result in ("ok", "refused"):
            family.add_metric([result], counts.get(result, 0))
        yield family


class Metrics:
    """Every counter, histogram and gauge the bot exposes, in one registry of its own;
    `reloads` reads the lore library's own counts at each scrape."""

    def __init__(self, reloads: Callable[[], Mapping[str, int]]) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.interactions = Counter(
            "redshoes_interactions", "Slash commands handled", ["command", "outcome"], registry=r
        )
        self.latency = Histogram(
            "redshoes_latency_seconds",
            "Time to handle a command, an autocomplete, a component (button, select, form) "
            "or a chat message",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.handled = Counter(
            "redshoes_ui_interactions",
            "Autocompletes and component interactions (buttons, selects, forms) handled",
            ["kind", "name"],
            registry=r,
        )
        self.chat = Counter(
            "redshoes_chat_replies", "Chat replies by outcome", ["outcome"], registry=r
        )
        r.register(_Reloads(reloads))
        self.store_errors = Counter(
            "redshoes_store_errors", "Commands that met a storage fault", registry=r
        )
        self.gateway = Gauge(
            "redshoes_gateway_latency_seconds", "Heartbeat latency per shard", ["shard"], registry=r
        )
        self.servers = Gauge("redshoes_servers", "Servers the bot is in", registry=r)
        self.entries = Gauge("redshoes_lore_entries", "Shipped lore entries loaded", registry=r)

    def text(self) -> bytes:
        return generate_latest(self.registry)


class MonitorServer:
    """The `/metrics` and `/healthz` routes; `refresh` sets the gauges just before a scrape."""

    def __init__(
        self, metrics: Metrics, healthy: Callable[[], bool], refresh: Callable[[], None]
    ) -> None:
        self.metrics, self.healthy, self.refresh = metrics, healthy, refresh
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        self._runner = web.AppRunner(app, access_log=None)
        self.port: int | None = None

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port (port 0 picks a free one, read back from `port`)."""
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _metrics(self, request: web.Request) -> web.Response:
        self.refresh()
        return web.Response(body=self.metrics.text(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _healthz(self, request: web.Request) -> web.Response:
        if self.healthy():
            return web.Response(text="ok\n")
        return web.Response(status=503, text="not ready\n")
