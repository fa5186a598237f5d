"""The escalation bench's receiver: verifies each signature, keeps a webhook-id's first receipt."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from escalation.delivery import signing


def receiver(port: int, secret: str, ready: Any, done: Any, results: Any) -> None:
    """Runs the verifying receiver until `done` is set; then reports receipt times."""
    import uvicorn

    key = [signing.decode_secret(secret)]
    seen: dict[str, float] = {}
    bad = [0]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await _body(receive)
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        try:
            msg_id = signing.verify(key, body, headers, dt.datetime.now(dt.UTC))
            seen.setdefault(msg_id, time.time())
            status = 204
        except signing.VerificationError:
            bad[0] += 1
            status = 401
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    ready.set()
    done.wait()
    results.put((dict(seen), bad[0]))
    server.should_exit = True
    thread.join(timeout=5)


async def _body(receive: Any) -> bytes:
    """Reads a request's whole body."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


class Receiving:
    """The receiver in a child process: started at once, asked for its receipts at the end."""

    def __init__(self, ctx: Any, port: int, secret: str) -> None:
        self.ready, self.done, self.results = ctx.Event(), ctx.Event(), ctx.Queue()
        args = (port, secret, self.ready, self.done, self.results)
        self.process = ctx.Process(target=receiver, args=args)
        self.process.start()
        self.ready.wait(30)

    def finish(self) -> tuple[dict[str, float], int]:
        """Stops the receiver; returns each webhook-id's receipt time and the bad signatures."""
        self.done.set()
        seen, bad = self.results.get(timeout=30)
        self.process.join(timeout=10)
        return seen, bad
