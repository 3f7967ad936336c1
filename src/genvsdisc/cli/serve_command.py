"""`genvsdisc serve`: the web playground, image lab, text lab and report browser."""

from __future__ import annotations

from pathlib import Path

import click

from genvsdisc.exceptions import ParameterError

__all__ = ["COMMANDS", "serve"]


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind. The default keeps the app on this machine only.",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="TCP port.",
)
@click.option(
    "--results",
    "results",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of reports written by `genvsdisc compare` to list and open "
    "[default: ./genvsdisc-report, where compare writes].",
)
@click.option(
    "--no-warm", is_flag=True, help="Do not train the lab models in the background at start-up."
)
def serve(host, port, results, no_warm):
    """Start the web app: watch the detective and the artist learn, live.

    Open the printed address in a browser. Pages: the 2-D playground, the
    image lab (generated digits and a judge), the text lab (continue a prompt
    per topic) and the reports under --results. Everything is served by the
    app itself; no network is needed.

    \b
    Examples:
      genvsdisc serve
      genvsdisc serve --port 8080 --results genvsdisc-report
    """
    import uvicorn

    from genvsdisc.app import create_app
    from genvsdisc.app.server import LOCAL_HOSTS

    if results is not None and not results.is_dir():
        raise ParameterError(f"--results: '{results}' is not a folder")
    results = Path("genvsdisc-report") if results is None else results  # compare's default
    hosts = (*LOCAL_HOSTS, host)
    if host in ("0.0.0.0", "::", ""):
        # every address of this machine answers; which names reach it is unknown here
        hosts = ("*",)
        click.echo(
            f"genvsdisc: warning: serving on every address ({host or '*'}): other machines can "
            "reach the app, and any Host header is accepted",
            err=True,
        )
    elif host not in LOCAL_HOSTS:
        click.echo(
            f"genvsdisc: warning: serving on {host}: other machines can reach the app", err=True
        )
    app = create_app(results_dir=results, warm_labs=not no_warm, allowed_hosts=hosts)
    click.echo(f"genvsdisc: serving on http://{host}:{port}/  (Ctrl+C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


COMMANDS = [serve]
