#!/usr/bin/env python3
"""Edit-to-reload latency of `workplan serve`: the time from writing a changed page to the
server sending the `reload` event to the browser, as a listening tab would receive it.

Usage: reload_latency.py WORKPLAN_BIN SITE_DIR PAGE [EDITS]

Starts `workplan serve --port 0` on SITE_DIR, subscribes to its live-reload events like a
browser tab, then EDITS times (default 20) edits PAGE (a path relative to SITE_DIR): once
appending a line to the body, once changing the title in the front matter, alternating.
Prints the median and the slowest of each kind, in milliseconds. Standard library only.
"""

import http.client
import os
import re
import statistics
import subprocess
import sys
import time


def main():
    binary, site, page = sys.argv[1:4]
    edits = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    server = subprocess.Popen(
        [binary, "--root", site, "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        host, port, prefix = wait_for_address(server)
        wait_for_line(server, "Built ")
        events = http.client.HTTPConnection(host, port, timeout=30)
        events.request("GET", prefix + "__workplan/events")
        stream = events.getresponse()
        path = os.path.join(site, page)
        original = open(path, encoding="utf-8").read()
        timings = {"body": [], "front matter": []}
        try:
            for n in range(edits):
                kind = "body" if n % 2 == 0 else "front matter"
                text = open(path, encoding="utf-8").read()
                if kind == "body":
                    text += "\nEdited %d.\n" % n
                else:
                    text = re.sub(r'^title = "(.*)"$', r'title = "\1 %d"' % n, text, count=1, flags=re.M)
                time.sleep(0.3)  # let the previous rebuild settle: edits one by one, as a person makes them
                started = time.perf_counter()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                wait_for_event(stream, "reload")
                timings[kind].append((time.perf_counter() - started) * 1000)
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        for kind, values in timings.items():
            print("%s edits: median %.1f ms, slowest %.1f ms (%d edits)"
                  % (kind, statistics.median(values), max(values), len(values)))
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for_address(server):
    line = wait_for_line(server, "http://")
    match = re.search(r"http://([^:/]+):(\d+)(/\S*)", line)
    return match.group(1), int(match.group(2)), match.group(3)


def wait_for_line(server, needle):
    for line in server.stdout:
        if needle in line:
            return line
    sys.exit("workplan serve exited before printing %r" % needle)


def wait_for_event(stream, name):
    """Reads server-sent events until one named `name` has come in whole."""
    current = None
    while True:
        line = stream.readline().decode("utf-8")
        if not line:
            sys.exit("the event stream closed")
        line = line.rstrip("\r\n")
        if line.startswith("event:"):
            current = line.split(":", 1)[1].strip()
        elif line == "" and current is not None:
            if current == name:
                return
            current = None


if __name__ == "__main__":
    main()
