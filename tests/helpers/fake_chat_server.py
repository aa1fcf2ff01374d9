"""A real HTTP server on 127.0.0.1 that speaks the chat-completions protocol, for
the ``llm`` backend's tests. Each request is answered by ``server.respond``, a
function of (request JSON, request number) returning an action:

- ``("reply", content)``: a 200 chat-completions body whose message content is ``content``
- ``("json", status, obj)``: any JSON body with that status
- ``("raw", status, bytes)``: any body
- ``("sleep", seconds, action)``: wait, then do ``action``
- ``("drop",)``: close the connection without a reply
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def parse_prompt(request: dict) -> tuple[str, list[str]]:
    """The source and the claims our prompt sent."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    user = user[user.index("SOURCE:\n<<<\n"):]
    source = user.split("SOURCE:\n<<<\n", 1)[1].split("\n>>>\n", 1)[0]
    listed = user.split("CLAIMS:\n", 1)[1].split("\n\nReturn the JSON", 1)[0]
    claims = [re.sub(r"^\d+\. ", "", line) for line in listed.splitlines()]
    return source, claims


def honest_answer(request: dict) -> str:
    """A judge that calls a claim supported when its words all occur in the source."""
    source, claims = parse_prompt(request)
    words = set(re.findall(r"\w+", source.lower()))
    out = []
    for i, claim in enumerate(claims, 1):
        missing = [w for w in re.findall(r"\w+", claim) if w.lower() not in words]
        if not missing:
            first = re.findall(r"\w+", claim)[0]
            quote = next(s for s in re.split(r"(?<=[.!?])\s+", source) if first.lower() in s.lower())
            out.append({"id": i, "verdict": "supported", "evidence": quote, "offending": ""})
        else:
            out.append({"id": i, "verdict": "unsupported", "evidence": "", "offending": missing[0]})
    return json.dumps({"claims": out})


def completion(content: str, finish: str = "stop", logprobs: dict | None = None) -> dict:
    choice = {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}
    if logprobs is not None:
        choice["logprobs"] = logprobs
    return {"id": "chatcmpl-test", "object": "chat.completion", "model": "fake", "choices": [choice]}


def parse_yes_no(request: dict) -> tuple[str, str]:
    """The document chunk and the claim a yes/no request sent."""
    user = [m["content"] for m in request["messages"] if m["role"] == "user"][0]
    body = user[user.index("Document: ") + len("Document: "):]
    document, claim = body.rsplit("\nClaim: ", 1)
    return document, claim


def honest_yes_no(request: dict) -> str:
    """Yes when every word of the claim occurs in the chunk."""
    document, claim = parse_yes_no(request)
    words = set(re.findall(r"\w+", document.lower()))
    return "Yes" if all(w.lower() in words for w in re.findall(r"\w+", claim)) else "No"


def top_logprobs(probs: dict[str, float]) -> dict:
    """An OpenAI chat ``logprobs`` object for a one-token answer with these alternatives."""
    import math
    alts = [{"token": t, "logprob": math.log(p), "bytes": list(t.encode())} for t, p in probs.items()]
    best = max(alts, key=lambda a: a["logprob"])
    return {"content": [{**best, "top_logprobs": alts}]}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output clean
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        srv = self.server
        with srv.lock:
            srv.count += 1
            n = srv.count
            srv.requests.append({"path": self.path, "headers": dict(self.headers), "body": raw.decode("utf-8")})
        try:
            request = json.loads(raw)
        except ValueError:
            request = {}
        self._do(srv.respond(request, n))

    def _do(self, action):
        kind = action[0]
        if kind == "sleep":
            time.sleep(action[1])
            return self._do(action[2])
        if kind == "drop":
            self.close_connection = True
            self.connection.close()
            return
        if kind == "reply":
            status, body = 200, json.dumps(completion(action[1], *action[2:])).encode()
        elif kind == "json":
            status, body = action[1], json.dumps(action[2]).encode()
        else:
            status, body = action[1], action[2]
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class FakeChatServer:
    def __init__(self, respond=None) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.lock = threading.Lock()
        self.httpd.count = 0
        self.httpd.requests = []
        self.httpd.respond = respond or (lambda req, n: ("reply", honest_answer(req)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    @property
    def requests(self) -> list[dict]:
        return self.httpd.requests

    def set(self, respond) -> None:
        self.httpd.respond = respond

    def __enter__(self) -> "FakeChatServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
