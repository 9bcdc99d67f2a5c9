"""The Typer application every command module registers on (``from minent.cli.app import app``)."""

import typer

app = typer.Typer(
    name="minent",
    help=(
        "Unsupervised Chinese text mining by the minimum-entropy principle.\n\n"
        "Data goes to stdout (TSV unless --format says otherwise); messages go to stderr."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from minent import __version__

        typer.echo(f"minent {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Unsupervised Chinese text mining by the minimum-entropy principle."""
