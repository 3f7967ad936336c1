"""The ``genvsdisc`` command.

One module per command group (``data_commands``, ``model_commands``...);
each defines click commands and this module adds them to the group. Command
functions import the heavy parts (data, experiments, report, app, torch) inside
their body, so ``genvsdisc --help`` and ``genvsdisc models`` start in a blink. A
:class:`~genvsdisc.exceptions.GenvsdiscError` anywhere below becomes one line
on stderr and exit status 2; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import sys
import warnings

import click

from genvsdisc import __version__
from genvsdisc.exceptions import DataWarning, GenvsdiscError

__all__ = ["main", "cli"]


def _one_line_warning(show_default):
    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, DataWarning):
            click.echo(f"genvsdisc: warning: {message}", err=True)
        else:
            show_default(message, category, filename, lineno, file, line)

    return show


class _Group(click.Group):
    """A click group that turns genvsdisc errors and click's usage errors into one clean line.

    It also keeps the arguments it was given (``ctx.meta["genvsdisc.argv"]``) so that
    results.json records the command line as typed.
    """

    def make_context(self, info_name, args, parent=None, **extra):
        argv = list(args)
        ctx = super().make_context(info_name, args, parent=parent, **extra)
        ctx.meta["genvsdisc.argv"] = argv
        return ctx

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as err:  # a bad option value, a missing argument...
            hint = f" (see '{err.ctx.command_path} --help')" if getattr(err, "ctx", None) else ""
            click.echo(f"genvsdisc: error: {err.format_message()}{hint}", err=True)
            sys.exit(err.exit_code)
        except click.Abort:  # Ctrl-C
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx):
        try:
            with warnings.catch_warnings():
                # a DataWarning (one-row class, skipped files) is one stderr line, every time
                warnings.simplefilter("always", DataWarning)
                warnings.showwarning = _one_line_warning(warnings.showwarning)
                return super().invoke(ctx)
        except GenvsdiscError as err:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"genvsdisc: error: {err}", err=True)
            ctx.exit(err.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="genvsdisc")
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.pass_context
def cli(ctx, debug):
    """genvsdisc: the detective and the artist, side by side.

    Discriminative models learn p(y|x) and predict labels; generative models
    learn p(x|y)p(y), classify by Bayes' rule, and can also generate, score
    novelty, handle missing features and learn from unlabeled rows.

    \b
    Examples:
      genvsdisc datasets
      genvsdisc inspect iris
      genvsdisc compare digits
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _register() -> None:
    """Attach every command module's commands (import here keeps `--help` fast)."""
    from genvsdisc.cli import (
        compare_command,
        data_commands,
        generate_command,
        model_commands,
        serve_command,
    )

    for module in (data_commands, model_commands, compare_command, generate_command, serve_command):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main(argv=None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="genvsdisc", standalone_mode=True)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
