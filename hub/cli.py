"""`hub`: the command line for administrators and for starting processes."""

from __future__ import annotations

import sys

import click

from hub import log
from hub.errors import ConfigError, HubError
from hub.settings import get_settings


class _Group(click.Group):
    """Turns the hub's own errors into one plain line and exit code 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (HubError, ConfigError) as exc:
            click.echo(f"错误：{exc}", err=True)
            for problem in getattr(exc, "errors", []):  # InvalidInput: each field's rule
                click.echo(f"  {problem.msg}", err=True)
            for hint in getattr(exc, "hints", []):
                click.echo(f"  提示：{hint}", err=True)
            sys.exit(1)


@click.group(cls=_Group)
def main() -> None:
    """问题线索共享协作平台 (clue-sharing hub)."""
    log.configure(get_settings().log_level)


@main.command()
@click.option("--port", type=int, help="默认取 HUB_PORT（8000）")
@click.option("--with-simulators", is_flag=True,
              help="同时启动六个协作单位系统的模拟器，并让连接器从中拉取")
@click.option("--simulator-port", type=int, default=None,
              help="模拟器的起始端口（六个连续端口）；默认 HUB_PORT+101 起，被占用时自动选择空闲端口")
def run(port: int | None, with_simulators: bool, simulator_port: int | None) -> None:
    """All in one process: API, queue consumers and scheduler (embedded default)."""
    from hub.runner import prepare, run_all

    settings = get_settings()
    if port:
        settings.port = port
    if with_simulators:
        from hub.collect.demo import start_demo

        prepare(settings)
        for simulator in start_demo(settings, simulator_port):
            click.echo(f"模拟器 {simulator.name}：{simulator.url}")
    run_all(settings)


@main.command()
@click.option("--processes", default=1, show_default=True, help="API worker processes")
def api(processes: int) -> None:
    """The API alone (production: several of these behind a proxy)."""
    from hub.runner import run_api

    run_api(get_settings(), processes)


@main.command()
@click.option("--threads", default=1, show_default=True)
def worker(threads: int) -> None:
    """Queue consumers alone: runs the pipeline stages."""
    from hub.runner import run_role

    run_role(get_settings(), workers=threads, with_scheduler=False)


@main.command("scheduler")
def scheduler_cmd() -> None:
    """Periodic jobs (sweeper; later reminders and reports); one active, others stand by."""
    from hub.runner import run_role

    run_role(get_settings(), workers=0, with_scheduler=True)


@main.command()
def migrate() -> None:
    """Apply database migrations (Alembic) up to the newest."""
    from hub.runner import prepare

    prepare(get_settings())
    click.echo("数据库已迁移到最新版本")


# Each domain's commands (module-level click groups in its cli.py).
from hub import cli_admin  # noqa: E402
from hub.accounts import cli as accounts_cli  # noqa: E402
from hub.agencies import cli as agencies_cli  # noqa: E402
from hub.archive import cli as archive_cli  # noqa: E402
from hub.audit import cli as audit_cli  # noqa: E402
from hub.calendar import cli as calendar_cli  # noqa: E402
from hub.collect import cli as collect_cli  # noqa: E402
from hub.correlate import cli as correlate_cli  # noqa: E402
from hub.directory import cli as directory_cli  # noqa: E402
from hub.meetings import cli as meetings_cli  # noqa: E402
from hub.notify import cli as notify_cli  # noqa: E402
from hub.privacy import cli as privacy_cli  # noqa: E402
from hub.reports import cli as reports_cli  # noqa: E402
from hub.review import cli as review_cli  # noqa: E402
from hub.route import cli as route_cli  # noqa: E402
from hub.search import cli as search_cli  # noqa: E402

for _domain in (cli_admin, accounts_cli, agencies_cli, archive_cli,
                audit_cli, calendar_cli, collect_cli, correlate_cli,
                directory_cli, meetings_cli, notify_cli, privacy_cli, reports_cli, review_cli,
                route_cli, search_cli):
    for _command in _domain.COMMANDS:
        main.add_command(_command)
