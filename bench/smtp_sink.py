"""A minimal SMTP server for load and fault tests: accepts every message, counts them.

Runs in a background thread on 127.0.0.1. It can be stopped and started again on the same
port to simulate a mail server outage. Only the envelope recipients and the subject are
kept, in memory. `delay` (seconds) makes it slow: it waits that long after the end of each
message's data before it answers. Like a real server it keeps a message whose data was
complete even if the client is gone by then; `in_progress` counts messages in that wait.
"""

import asyncio
import collections
import email
import threading


class SMTPSink:
    def __init__(self, host="127.0.0.1", port=0, delay=0.0):
        self.host = host
        self.port = port
        self.delay = delay
        self.in_progress = 0
        self.connections = 0  # SMTP sessions opened by clients
        self._writers = set()  # open client connections, closed by stop() as a server would
        self.received = []  # (recipients, subject)
        self.per_recipient = collections.Counter()
        self._loop = None
        self._server = None
        self._thread = None
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------
    def start(self):
        ready = threading.Event()

        def run():
            self._loop = asyncio.new_event_loop()
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, self.host, self.port)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError(f"SMTP sink could not listen on port {self.port}")
        return self

    @property
    def total(self):
        with self._lock:
            return len(self.received)

    def stop(self):
        if self._loop is None:
            return

        async def shutdown():
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    # -- protocol --------------------------------------------------------------------
    async def _handle(self, reader, writer):
        def reply(line):
            writer.write((line + "\r\n").encode())

        self.connections += 1
        self._writers.add(writer)
        reply("220 sink ESMTP")
        recipients, data_lines, in_data = [], [], False
        try:
            while True:
                raw = await reader.readline()
                if not raw:
                    break
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if in_data:
                    if line == ".":
                        in_data = False
                        if self.delay:
                            self.in_progress += 1
                            try:
                                await asyncio.sleep(self.delay)
                            finally:
                                self.in_progress -= 1
                        self._store(recipients, data_lines)
                        recipients, data_lines = [], []
                        reply("250 OK queued")
                    else:
                        data_lines.append(line[1:] if line.startswith("..") else line)
                    continue
                verb = line[:4].upper()
                if verb in ("EHLO", "HELO"):
                    reply("250 sink")
                elif verb == "MAIL":
                    recipients = []
                    reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(line.split(":", 1)[1].strip().strip("<>").lower())
                    reply("250 OK")
                elif verb == "DATA":
                    in_data = True
                    reply("354 End data with <CR><LF>.<CR><LF>")
                elif verb == "QUIT":
                    reply("221 Bye")
                    await writer.drain()
                    break
                else:  # RSET, NOOP, anything else
                    reply("250 OK")
                await writer.drain()
        finally:
            self._writers.discard(writer)
            writer.close()

    def _store(self, recipients, data_lines):
        message = email.message_from_string("\n".join(data_lines))
        subject = str(
            email.header.make_header(email.header.decode_header(message["Subject"] or ""))
        )
        with self._lock:
            self.received.append((tuple(recipients), subject))
            for r in recipients:
                self.per_recipient[r] += 1
