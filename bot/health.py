"""An HTTP health endpoint for a load balancer: 200 on the leader, 503 on a standby (HEALTH_LISTEN).

Webhooks behind a load balancer go to the process that answers 200; any path, any method, no body read.
"""

import asyncio
import contextlib

from bot.leadership import Leadership


async def serve_health(listen: tuple[str, int], leadership: Leadership) -> asyncio.Server:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
            status, body = ("200 OK", f"leader {leadership.identity}\n") if leadership.leading else (
                "503 Service Unavailable", f"standby {leadership.identity}\n")
            payload = body.encode()
            writer.write(f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {len(payload)}\r\n"
                         "Connection: close\r\n\r\n".encode() + payload)
            await writer.drain()
        with contextlib.suppress(OSError, TimeoutError):
            writer.close()

    host, port = listen
    return await asyncio.start_server(answer, host, port)
