"""A TCP proxy in front of an S3 server (moto) that can misbehave on purpose: answer 500 or
503 to the next requests, or accept a request and say nothing for a while (a stall).

It works at the connection level so the bytes it passes are untouched (request signatures
stay valid). Changing the mode closes every open connection, so pooled keep-alive
connections of the client meet the new behaviour at once.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field


@dataclass
class Faults:
    errors_left: int = 0  # answer this many next requests with `status`
    status: int = 503
    stall_s: float = 0.0  # hold every new request this long without answering
    served_errors: int = 0
    stalled: int = 0
    forwarded: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class FaultyProxy:
    def __init__(self, upstream: str) -> None:
        host, port = upstream.removeprefix("http://").split(":")
        self.upstream = (host, int(port))
        self.faults = Faults()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    # --- what a test sets ----------------------------------------------------------------

    def fail_next(self, count: int, status: int = 503) -> None:
        self._set(errors_left=count, status=status, stall_s=0.0)

    def stall(self, seconds: float) -> None:
        self._set(errors_left=0, stall_s=seconds)

    def heal(self) -> None:
        self._set(errors_left=0, stall_s=0.0)

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self._drop_all()

    # --- the proxy -------------------------------------------------------------------------

    def _set(self, **values: object) -> None:
        with self.faults.lock:
            for name, value in values.items():
                setattr(self.faults, name, value)
        self._drop_all()

    def _drop_all(self) -> None:
        with self._lock:
            for sock in list(self._open):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._open.clear()

    def _track(self, *socks: socket.socket) -> None:
        with self._lock:
            self._open.update(socks)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            self._track(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            first = client.recv(65536)
        except OSError:
            return
        if not first:
            client.close()
            return
        with self.faults.lock:
            if self.faults.errors_left > 0:
                self.faults.errors_left -= 1
                self.faults.served_errors += 1
                status, stall = self.faults.status, 0.0
            else:
                status, stall = 0, self.faults.stall_s
                if stall:
                    self.faults.stalled += 1
                else:
                    self.faults.forwarded += 1
        if status:
            reason = {500: "Internal Server Error", 503: "Slow Down"}.get(status, "Error")
            body = f"<Error><Code>{'SlowDown' if status == 503 else 'InternalError'}</Code></Error>".encode()
            try:
                client.sendall(f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(body)}\r\n"
                               f"Content-Type: application/xml\r\nConnection: close\r\n\r\n".encode() + body)
            except OSError:
                pass
            client.close()
            return
        if stall:
            self._stop.wait(stall)  # say nothing; the client's read timeout should give up first
            client.close()
            return
        try:
            upstream = socket.create_connection(self.upstream)
        except OSError:
            client.close()
            return
        self._track(upstream)
        upstream.sendall(first)
        threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()
        self._pipe(client, upstream)

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
