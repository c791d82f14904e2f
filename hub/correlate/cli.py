"""Command-line commands of hub.correlate: `hub correlate rebuild|show`."""

from __future__ import annotations

import time

import click

from hub.commands import echo_json, make_hub


@click.group()
def correlate() -> None:
    """Correlation of clues across channels (线索关联)."""

@correlate.command("rebuild")
@click.option("--chunk", default=1000, show_default=True, help="每个事务处理的线索数")
@click.option("--link/--no-link", default=True, show_default=True,
              help="从未关联过的线索在建索引时一并关联")
def rebuild_cmd(chunk: int, link: bool) -> None:
    """Rebuild the correlation index for every clue (clusters are kept)."""
    from hub.correlate.rebuild import rebuild

    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-6)
        click.echo(f"已索引 {done}/{total} 条线索（{done / max(total, 1):.0%}，"
                   f"{rate:.0f} 条/秒）")

    hub = make_hub()
    try:
        result = rebuild(hub, chunk=chunk, link_new=link, progress=progress)
    finally:
        hub.close()
    click.echo(f"完成：索引 {result.indexed} 条，新关联 {result.linked} 条，"
               f"其中 {result.clustered} 条归入线索组")

@correlate.command("show")
@click.argument("clue_id", type=int)
def show_cmd(clue_id: int) -> None:
    """The cluster a clue is in, with every link and why it was made."""
    from hub.correlate import service

    hub = make_hub()
    try:
        with hub.uow(write=False) as uow:
            cluster_id = service.cluster_of_clue(uow.session, clue_id=clue_id)
            if cluster_id is None:
                click.echo(f"线索 {clue_id} 不在任何线索组中")
                return
            found = service.view(uow.session, cluster_id=cluster_id)
            links = service.links(uow.session, cluster_id=cluster_id)
    finally:
        hub.close()
    echo_json({"cluster_id": found.id, "lead_clue_id": found.lead_clue_id,
               "lead_set_by": found.lead_set_by, "members": found.members,
               "channels": found.channels,
               "links": [{**link, "created_at": link["created_at"].isoformat(),
                          "detached_at": link["detached_at"] and
                          link["detached_at"].isoformat()} for link in links]})


COMMANDS = [correlate]
