#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A TCP proxy on loopback that delays every chunk by DELAY_MS in each
# direction (order kept, throughput not limited): the round-trip time of a
# branch's line for the station tests (195, tests/bench/bench-station.sh).
# Usage: delay-proxy.py TARGET_PORT DELAY_MS PORT_FILE [PORT]
# Listens on 127.0.0.1 on PORT (default a free port), written to PORT_FILE
# when ready; stops on SIGTERM.
import asyncio
import signal
import sys
import time


async def pipe(reader, writer, delay):
    q = asyncio.Queue()

    async def send():
        while True:
            due, data = await q.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass

    task = asyncio.create_task(send())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            q.put_nowait((time.monotonic() + delay, data))
    except OSError:
        pass
    q.put_nowait((0, None))
    try:
        await task
    except OSError:
        pass


async def main():
    target, delay, portfile = int(sys.argv[1]), int(sys.argv[2]) / 1000, sys.argv[3]

    async def handle(cr, cw):
        try:
            sr, sw = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            cw.close()
            return
        for s in (cw, sw):
            sock = s.get_extra_info("socket")
            if sock is not None:
                import socket
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.gather(pipe(cr, sw, delay), pipe(sr, cw, delay))
        for s in (cw, sw):
            s.close()

    port = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    server = await asyncio.start_server(handle, "127.0.0.1", port, reuse_address=True)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()


asyncio.run(main())
