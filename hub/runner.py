"""Starting the hub's processes: all in one (`hub run`) or one role each."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import threading
import time
from multiprocessing.synchronize import Event

import uvicorn

from hub import log, scheduler
from hub.api import collector
from hub.audit.jobs import sign_at_shutdown
from hub.container import Hub
from hub.db.migrate import upgrade
from hub.pipeline.offload import ComputeProcess
from hub.pipeline.worker import Worker
from hub.security.keyring import ensure_keyring
from hub.security.signing import ensure_signing_key, signing_key_path
from hub.security.startup import check_safe_to_start
from hub.settings import Settings


def prepare(settings: Settings) -> None:
    """What every start needs: the keyring, an up-to-date schema, and a directory of bodies
    (the demo one on first start, until the administrator imports theirs)."""
    check_safe_to_start(settings)
    ensure_keyring(settings.keyring_path)
    ensure_signing_key(signing_key_path(settings.keyring_path))
    upgrade(settings.database_url)
    _seed_directory(settings)


def _seed_directory(settings: Settings) -> None:
    from sqlalchemy.exc import IntegrityError

    from hub.db.types import utcnow
    from hub.directory.service import ensure_seeded

    hub = Hub.from_settings(settings)
    try:
        with hub.uow() as uow:
            report = ensure_seeded(uow.session, now=utcnow())
            uow.commit()
    except IntegrityError:  # another process starting at the same time seeded it first
        report = None
    finally:
        hub.close()
    if report is not None:
        log.event("hub.directory.seeded", added=len(report.added), refused=len(report.refused))


def freeze_start_up() -> None:
    """Move what start-up made (modules, the app, settings, tables, caches) out of the
    collector's sight, once, before the process starts its work.

    A long-running process keeps hundreds of thousands of start-up objects for its whole life,
    and every full collection walked all of them again: in a connector pull that was 54-57 µs
    per record of collection (gen 2) out of 295-312 µs per record in the puller, and 250 µs
    with the start-up frozen (bench/profile_connector.py --postgres [--freeze], 3,000 hotline
    records, same minutes). Objects made later are collected as before."""
    collector.freeze()


def _threads(hub: Hub, stop: threading.Event, workers: int, with_scheduler: bool,
             offload: ComputeProcess | None = None) -> list[threading.Thread]:
    threads = [threading.Thread(target=Worker(hub, offload=offload).run, args=(stop,),
                                name=f"worker-{i}", daemon=True)
               for i in range(workers)]
    if with_scheduler:
        threads.append(threading.Thread(target=scheduler.run, args=(hub, stop), name="scheduler",
                                        daemon=True))
    for thread in threads:
        thread.start()
    return threads


def run_all(settings: Settings) -> None:
    """API, queue consumers and scheduler in one process (the embedded default)."""
    from hub.app import create_app, served  # seconds of imports a worker or scheduler never needs

    prepare(settings)
    hub = Hub.from_settings(settings)
    app = served(create_app(hub))  # its start-up frozen again once warm (hub.api.collector)
    server = uvicorn.Server(uvicorn.Config(app, host=settings.host, port=settings.port,
                                           log_level="warning", access_log=False))
    # uvicorn stops on SIGTERM, then raises it again with the handler it found: the default
    # one ended the process there, before the workers, the second process and the audit
    # chain were stopped below. Found this one, it returns here; and a SIGTERM from now on,
    # before uvicorn listens for it, stops the server as soon as it has started.
    signal.signal(signal.SIGTERM, lambda *_: setattr(server, "should_exit", True))
    stop = threading.Event()
    freeze_start_up()
    # The pipeline's reads and pure steps in a second process: this one alone uses one core.
    offload = ComputeProcess(settings) if settings.compute_process_in_run else None
    threads = _threads(hub, stop, settings.worker_threads, with_scheduler=True, offload=offload)
    log.event("hub.run.started", url=f"http://{settings.host}:{settings.port}",
              database=settings.database_url.split("://")[0], broker=settings.broker_url.split("://")[0])
    try:
        server.run()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        if offload is not None:
            offload.close()
        sign_at_shutdown(hub)
        hub.close()


def run_api(settings: Settings, processes: int) -> None:
    check_safe_to_start(settings)
    try:
        if processes > 1 and hasattr(socket, "SO_REUSEPORT"):
            _run_api_processes(settings, processes)
        else:
            # uvicorn raises SIGTERM again once stopped, with the handler it found: the
            # default one ended the process before the `finally` below signed anything.
            signal.signal(signal.SIGTERM, _stop_cleanly)
            uvicorn.run("hub.app:app_factory", factory=True, host=settings.host,
                        port=settings.port, workers=processes, log_level="warning",
                        access_log=False)
    finally:  # the API processes have stopped: sign what they appended
        hub = Hub.from_settings(settings)
        try:
            sign_at_shutdown(hub)
        finally:
            hub.close()


def _stop_cleanly(*_: object) -> None:
    """SIGTERM found by uvicorn (or before it listens): leave through `finally` blocks."""
    raise SystemExit(0)


START_WAIT_SECONDS = 120.0  # at most this long for the slowest process at first start


def _run_api_processes(settings: Settings, processes: int) -> None:
    """API processes that share the load: each listens on its own socket bound to the same
    port with SO_REUSEPORT, and the kernel spreads new connections over them evenly.

    (With one socket shared by all, as `uvicorn --workers` does, whichever process is awake
    accepts: one process took 75–92 % of the work.) A process that dies is started again.
    """
    _check_port_free(settings.host, settings.port)
    # Bound here, one per process, and kept: a process started again takes over its socket
    # and the connections waiting in it; a second hub on the same port is refused above (once
    # this one's processes listen: two hubs started in the same seconds are not). Not
    # listening yet: each process listens once it is warm (uvicorn listens after the app's
    # start-up), so no connection waits in the queue of a process still importing.
    sockets = [_reuseport_socket(settings.host, settings.port) for _ in range(processes)]
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    # At first start every process waits for the others to be warm, then all listen at once:
    # a process listening seconds before the others would get every first connection, and
    # keep-alive would keep them there.
    ready = [context.Event() for _ in range(processes)]
    go = context.Event()

    def process(index: int) -> multiprocessing.process.BaseProcess:
        return context.Process(target=_api_process, args=(sockets[index], ready[index], go),
                               name=f"hub-api-{index}")

    children = [process(i) for i in range(processes)]
    for child in children:
        child.start()
    first_start = time.monotonic()
    started = [first_start] * processes
    pause = [0.0] * processes  # a process that keeps dying at start is started less often
    log.event("hub.api.started", processes=processes, port=settings.port, balance="SO_REUSEPORT")
    while not stop.wait(0.5 if go.is_set() else 0.05):
        if not go.is_set() and (all(event.is_set() for event in ready)
                                or time.monotonic() - first_start > START_WAIT_SECONDS):
            go.set()
        for i, child in enumerate(children):
            if child.is_alive() or stop.is_set():
                continue
            now = time.monotonic()
            if child.exitcode is not None:  # just found dead: decide when to start it again
                pause[i] = min(max(pause[i] * 2, 1.0), 60.0) if now - started[i] < 60 else 0.0
                log.warning("hub.api.process_restarted", process=i, exitcode=child.exitcode,
                            after_seconds=pause[i])
                started[i] = now + pause[i]
                children[i] = process(i)
            if now >= started[i]:
                children[i].start()
    children = [child for child in children if child.pid is not None]  # not waiting to start
    for child in children:
        child.terminate()  # SIGTERM: uvicorn finishes the requests under way
    for child in children:
        child.join(30)
        if child.is_alive():
            child.kill()
            child.join()
    for sock in sockets:
        sock.close()


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _check_port_free(host: str, port: int) -> None:
    """Refuse to start beside another server on the port (SO_REUSEPORT alone would share it)."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise SystemExit(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _reuseport_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _api_process(sock: socket.socket, ready: Event, go: Event) -> None:
    """One API process, serving the connections the kernel gives its own socket once it is
    warm and (at first start) its siblings are too."""
    from hub.api.keepalive import KeepAliveLimit
    from hub.app import app_factory
    from hub.settings import get_settings

    settings = get_settings()
    app = app_factory()

    def before_serving() -> None:  # called by the app's start-up, after its warm-up
        ready.set()
        go.wait(START_WAIT_SECONDS)

    app.state.before_serving = before_serving
    # Connections placed again from time to time, so the processes share the load evenly.
    app.add_middleware(KeepAliveLimit, max_requests=settings.api_keepalive_max_requests)
    # Idle keep-alive connections are kept longer than clients and proxies keep theirs
    # (httpx and many others: 5 s, uvicorn's default too), so the client closes first and never
    # sends a request on a connection the server is closing.
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                            access_log=False, timeout_keep_alive=65)
    uvicorn.Server(config).run(sockets=[sock])


def lower_priority(to: int) -> None:
    """This process at nice `to` at least (HUB_BACKGROUND_NICE): the pipeline and the
    scheduler give way to the API's requests where they share cores. A process started lower
    already (systemd's `Nice=`, whose sandbox forbids changing it from inside) is left as it
    is: only `getpriority` is called then."""
    if to <= 0:
        return
    niceness = os.getpriority(os.PRIO_PROCESS, 0)
    if niceness >= to:
        return
    try:
        os.setpriority(os.PRIO_PROCESS, 0, to)
    except OSError as exc:  # not allowed here: run as before
        log.warning("hub.runner.priority_unchanged", error=repr(exc))
        return
    log.event("hub.runner.priority_lowered", niceness=to, was=niceness)


def run_role(settings: Settings, workers: int, with_scheduler: bool) -> None:
    """`hub worker` / `hub scheduler`: run until SIGTERM or SIGINT."""
    check_safe_to_start(settings)
    lower_priority(settings.background_nice)
    hub = Hub.from_settings(settings)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if with_scheduler:
        scheduler.job_modules()
        # A connector pull makes tens of thousands of objects a page and keeps them until the
        # page is written: 13-21 µs per record of young collections every 700 allocations,
        # 3-4 every 20,000 (bench/profile_connector.py --postgres --freeze, 3,000 records).
        collector.collect_less()
    freeze_start_up()
    threads = _threads(hub, stop, workers, with_scheduler)
    while not stop.wait(0.5):
        pass
    for thread in threads:
        thread.join(timeout=10)
    sign_at_shutdown(hub)
    hub.close()
