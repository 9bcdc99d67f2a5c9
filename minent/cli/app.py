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


# -- help placeholders in the user's words ------------------------------------------------------
#
# Typer 0.29 writes the Python type of every parameter into the help (`inputs... <list[str]>`,
# `--top <int range>`, `Usage: minent score [OPTIONS] {gold} {test}`). :func:`plain_help`
# replaces them with what to type: FILE, N, X, TEXT (or the option's own metavar, e.g. CODEC),
# `GOLD TEST` and `[FILE]...` on the usage line; choices stay as they are (`<tsv|jsonl|json>`).


def _placeholder(param) -> str | None:
    desc = getattr(param, "type_descriptor", None)
    if desc is None or desc.is_choice:
        return None
    if param.metavar:
        return param.metavar
    annotation = desc.annotation
    if desc.is_list:
        import typing

        args = typing.get_args(annotation)
        annotation = args[0] if args else str
    import pathlib

    if desc.is_path or annotation is pathlib.Path or (desc.is_list and param.param_type_name == "argument"):
        return "FILE"
    if annotation is int:
        return "N"
    if annotation is float:
        return "X"
    if annotation is bool:
        return None
    return "TEXT"


def plain_help(command) -> None:
    """Rewrite the help placeholders of *command* and its subcommands (in place; no effect on
    parsing). Does nothing with a Typer that lacks the hooks it relies on."""
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)
    for param in getattr(command, "params", []):
        if not hasattr(param, "display_type") or getattr(param, "is_flag", False):
            continue
        word = _placeholder(param)
        if param.param_type_name == "argument":
            shown = word or param.name.upper()
            if word is None or not getattr(param.type_descriptor, "is_list", False):
                shown = param.name.upper() if word in ("FILE", None) else word
            many = param.nargs != 1
            usage = (shown if param.required else f"[{shown}]") + ("..." if many else "")
            param._usage_display_name = lambda usage=usage: usage
            param._rich_display_name = lambda shown=shown, many=many: shown + ("..." if many else "")
            param.display_type = lambda ctx: ""
            param.display_type_rich = lambda ctx: ""
        elif word is not None:
            param.display_type = lambda ctx, word=word: word
            param.display_type_rich = lambda ctx, word=word: word
