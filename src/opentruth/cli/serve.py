"""``opentruth serve``: run everything in one process."""

from __future__ import annotations

from typing import Annotated

import typer

from opentruth.cli.common import DEFAULT_HOST, DEFAULT_PORT, DataOption, DbOption, StoreOption


def serve(
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
    host: Annotated[
        str, typer.Option(metavar="HOST", help="Address to listen on (loopback unless you say otherwise).")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on.")] = DEFAULT_PORT,
    queue: Annotated[
        str | None,
        typer.Option(metavar="URL", help="huey queue: redis://... or postgresql://... (default: SQLite)."),
    ] = None,
    portal_url: Annotated[
        str | None,
        typer.Option(metavar="URL", help="Public base URL of the portal (default: http://HOST:PORT)."),
    ] = None,
    log_level: Annotated[str, typer.Option(metavar="LEVEL", help="uvicorn log level.")] = "warning",
) -> None:
    """Serve the SageMaker/AWS APIs, the worker API and the portal, and run jobs in the background."""
    import uvicorn

    from opentruth.cli.announce import AnnouncingServer
    from opentruth.runtime import Settings
    from opentruth.server import create_app

    settings = Settings.resolve(
        data, db, store, portal_url=portal_url or f"http://{host}:{port}", queue_url=queue
    )
    # A new folder is fine, as for every other command (huey opens its file before the runtime).
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = create_app(settings)
    ready = f"opentruth listening on http://{host}:{port} (data: {settings.data_dir})"
    server = AnnouncingServer(
        uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False), ready
    )
    server.run()
    if not server.started:
        raise typer.Exit(3)  # uvicorn's STARTUP_FAILURE: the port is taken, or the app failed to start
