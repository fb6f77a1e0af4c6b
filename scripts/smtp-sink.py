"""A local SMTP server for tests: accepts every message on loopback and writes it, as received, to a .eml file.

Usage: /usr/bin/python3 scripts/smtp-sink.py PORT FOLDER
Each message is written to a temporary name and renamed to <timestamp>-<n>.eml before the server answers 250,
so a client whose send returned finds the file already in place.
Recipients whose local part starts with "reject-" are refused with 550 (permanent) and "busy-" with 451
(transient), so tests can exercise both kinds of SMTP failure.
"""

import asyncio
import itertools
import os
import signal
import sys
import time

from aiosmtpd.controller import Controller


class FolderHandler:
    def __init__(self, folder):
        self.folder = folder
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject-"):
            return "550 5.1.1 Mailbox unavailable"
        if local.startswith("busy-"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = "%d-%06d" % (time.time_ns(), next(self.counter))
        temporary = os.path.join(self.folder, name + ".tmp")
        with open(temporary, "wb") as stream:
            stream.write(envelope.original_content or envelope.content)
        os.replace(temporary, os.path.join(self.folder, name + ".eml"))
        return "250 Message accepted for delivery"


def main():
    port = int(sys.argv[1])
    folder = sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(FolderHandler(folder), hostname="127.0.0.1", port=port, data_size_limit=10 * 1024 * 1024)
    controller.start()
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        loop.run_until_complete(stop.wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
