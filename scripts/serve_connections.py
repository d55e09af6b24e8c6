#!/usr/bin/env python3
"""Whether `workplan serve` lets go of connections, and of their memory.

Usage: serve_connections.py WORKPLAN_BIN SITE_DIR [CONNECTIONS [ROUNDS [WAIT]]]

Starts `workplan serve --port 0` on a copy of SITE_DIR, then ROUNDS times (default 8) opens
CONNECTIONS connections (default 400) that each send one request and then stay open without a
word, waits WAIT seconds (default 11, past the server's 10 s header timeout), and counts those
the server has closed. Prints the server's resident memory and open files after each step
(Linux: reads /proc). Raise `ulimit -n` for more than about 1,000 connections. Standard
library only.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def status(pid):
    with open(f"/proc/{pid}/status") as lines:
        rss = next(line.split()[1] for line in lines if line.startswith("VmRSS"))
    files = len(os.listdir(f"/proc/{pid}/fd"))
    return f"server {int(rss) // 1024} MiB, {files} open files"


def main():
    binary, site = sys.argv[1], sys.argv[2]
    given = sys.argv[3:6]
    count, rounds, wait = (int(arg) for arg in given + ["400", "8", "11"][len(given) :])
    work = tempfile.mkdtemp()
    try:
        copy = os.path.join(work, "site")
        shutil.copytree(site, copy)
        env = {"PATH": os.environ["PATH"], "TMPDIR": work}
        server = subprocess.Popen(
            [binary, "-r", copy, "serve", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )
        port = int(re.search(r":(\d+)/", server.stdout.readline()).group(1))
        time.sleep(3)
        print("start:", status(server.pid), flush=True)
        for round in range(rounds):
            opened = []
            for _ in range(count):
                connection = socket.create_connection(("127.0.0.1", port), timeout=30)
                connection.sendall(b"GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\n")
                opened.append(connection)
            time.sleep(1)
            print(f"round {round}: {len(opened)} open;", status(server.pid), flush=True)
            time.sleep(wait)
            closed = 0
            for connection in opened:
                connection.setblocking(False)
                try:
                    while connection.recv(65536):
                        pass
                    closed += 1
                except BlockingIOError:
                    pass
                except ConnectionResetError:
                    closed += 1
                connection.close()
            print(f"  {wait} s later: {closed} closed by the server;", status(server.pid), flush=True)
        server.terminate()
        server.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
