"""HTTP transport of the ``llm`` backend: stdlib ``http.client`` with a whole-reply deadline."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.parse
from dataclasses import dataclass


from ....errors import ScorerError


class TransportError(ScorerError):
    """The request did not produce an HTTP reply (refused, dropped, timed out); caught
    inside the llm backend, which retries and then names the endpoint."""


RETRY_STATUS = frozenset({408, 409, 425, 429}) | frozenset(range(500, 600))


@dataclass(frozen=True)
class HttpReply:
    status: int
    headers: dict
    body: bytes


def post_json(url: str, payload: dict, headers: dict, timeout: float) -> HttpReply:
    """POST JSON and read the whole reply within ``timeout`` seconds in total."""
    u = urllib.parse.urlsplit(url)
    cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
    path = u.path + (f"?{u.query}" if u.query else "")
    deadline = time.monotonic() + timeout
    conn = cls(u.hostname, u.port, timeout=timeout)
    try:
        conn.request("POST", path, body=json.dumps(payload).encode("utf-8"),
                     headers={"Content-Type": "application/json", "Accept": "application/json", **headers})
        sock = conn.sock
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        resp = conn.getresponse()
        chunks = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout()
            sock.settimeout(remaining)
            chunk = resp.read1(65536)
            if not chunk:
                break
            chunks.append(chunk)
        return HttpReply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, b"".join(chunks))
    except (socket.timeout, TimeoutError):
        raise TransportError(f"no complete reply within {timeout:g}s") from None
    except (ConnectionError, http.client.HTTPException, OSError) as exc:
        raise TransportError(f"connection failed ({type(exc).__name__}: {exc})".replace(": )", ")")) from None
    finally:
        conn.close()


class ItemFailed(ScorerError):
    """One summary (or claim) the llm backend gave up on; the backend turns it into that
    summary's ItemError, named with the endpoint and model."""
