"""`hub archive`: find, open, export and verify archive files (案卷); build pending ones."""

from __future__ import annotations

from pathlib import Path

import click

from hub.commands import echo_json, make_hub


@click.group()
def archive() -> None:
    """Archive files (立卷归档) of closed matters."""

@archive.command("list")
@click.option("--find", "text", help="案卷号、题名或来源编号中包含的文字")
@click.option("--json", "as_json", is_flag=True)
def archive_list(text: str | None, as_json: bool) -> None:
    from hub.archive.service import listing

    with make_hub().uow(write=False) as uow:
        rows = [{"number": r["file"].number, "title": r["file"].title,
                 "clue": r["clue_number"], "retention": r["retention_label"],
                 "secrecy": r["file"].secrecy, "state": r["file"].state}
                for r in listing(uow.session, text)]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['number']}  【{r['secrecy']}】保管期限{r['retention']}  {r['clue']}  "
                   f"{r['title']}")
    click.echo(f"共 {len(rows)} 卷")

@archive.command("show")
@click.argument("number")
def archive_show(number: str) -> None:
    from hub.archive.service import view

    with make_hub().uow(write=False) as uow:
        v = view(uow.session, number)
        f = v["file"]
        click.echo(f"案卷号：{f.number}\n题名：{f.title}\n线索：{v['clue_number']}\n"
                   f"保管期限：{v['retention_label']}\n密级：{f.secrecy}\n状态：{v['state_label']}\n"
                   f"文件数：{f.entries or '—'}\n清单 SHA-256：{f.manifest_sha256 or '—'}")

@archive.command("export")
@click.argument("number")
@click.option("--out", "out", type=click.Path(path_type=Path), help="写到哪个文件（默认按案卷号命名）")
def archive_export(number: str, out: Path | None) -> None:
    from hub.archive.service import export, export_name
    from hub.audit.service import cli_actor

    hub = make_hub()
    with hub.uow() as uow:
        file, content = export(uow.session, hub.cipher, number, actor=cli_actor(), via="cli")
        uow.commit()
    target = out or Path(export_name(file))
    target.write_bytes(content)
    click.echo(f"已导出【{file.secrecy}】案卷 {file.number} 到 {target}（{len(content)} 字节）")

@archive.command("verify")
@click.argument("number", required=False)
@click.option("--file", "path", type=click.Path(exists=True, path_type=Path),
              help="校验导出的 zip 文件（不读数据库）")
def archive_verify(number: str | None, path: Path | None) -> None:
    """Check a file's manifest signature and every entry's SHA-256 (exit 1 when broken)."""
    from hub.archive import bundle
    from hub.archive.service import verify_file

    if bool(number) == bool(path):
        raise click.UsageError("请给出案卷号，或用 --file 指定导出的 zip 文件")
    hub = make_hub()
    if path is not None:
        verdict = bundle.check(path.read_bytes(), hub.signing_key.public_raw)
    else:
        with hub.uow(write=False) as uow:
            verdict = verify_file(uow.session, hub.cipher, hub.signing_key, number)
    click.echo(verdict.summary())
    if not verdict.ok:
        raise SystemExit(1)

@archive.command("build")
def archive_build() -> None:
    """Write the pending archive files now (the scheduler does this every half minute)."""
    from hub.archive.service import build_all

    click.echo(f"已立卷 {build_all(make_hub())} 卷")


COMMANDS = [archive]
