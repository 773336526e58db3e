"""The server's listening socket: ready when the URL is printed, and no Nagle delay on responses."""

from __future__ import annotations

import asyncio
import socket

from pulumi_twilio_intelligence.emulator import EmulatorProcess
from pulumi_twilio_intelligence.emulator.server import listening_socket


def test_the_server_accepts_connections_as_soon_as_it_prints_its_url() -> None:
    with EmulatorProcess() as server:
        host, port = server.url.removeprefix("http://").rsplit(":", 1)
        # no retry: before the fix the port was bound but not listening yet, and this was refused
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(b"GET /__emulator/requests HTTP/1.1\r\nHost: emulator\r\nConnection: close\r\n\r\n")
            assert connection.recv(12) == b"HTTP/1.1 200"


def test_accepted_connections_have_tcp_nodelay() -> None:
    """asyncio (hence uvicorn) sets TCP_NODELAY on accepted sockets of an IPPROTO_TCP listener only."""

    async def accepted_nodelay() -> int:
        sock = listening_socket("127.0.0.1", 0)
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connection, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            value = await asyncio.wait_for(seen, 10)
            writer.close()
        return value

    assert asyncio.run(accepted_nodelay()) != 0
