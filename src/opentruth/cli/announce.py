"""The uvicorn server of ``opentruth serve``, which says it listens only once it does.

Imported when ``serve`` runs, so that other commands do not pay for importing uvicorn.
"""

from __future__ import annotations

import socket

import typer
import uvicorn


class AnnouncingServer(uvicorn.Server):
    """Prints ``ready`` once the socket is bound and the app has started, not before: on a busy
    machine start-up takes seconds, and a client started on the word would find nobody there."""

    def __init__(self, config: uvicorn.Config, ready: str) -> None:
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            typer.echo(self.ready)
