#!/usr/bin/env python3
"""Stand-in for another YAML/JSON language server (think yaml-language-server) in the e2e test.

It only syncs documents and publishes one hint, source `other-ls`, on line 0 of each document, so
the test can check that the bcdc plugin neither stops it nor touches its diagnostics.
Stdlib only; speaks LSP over stdio.
"""
import json
import sys


def read_message():
    length = None
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return json.loads(sys.stdin.buffer.read(length))


def send(message):
    body = json.dumps(dict(message, jsonrpc="2.0")).encode()
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


def hint(uri):
    span = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}
    diag = {"range": span, "severity": 4, "source": "other-ls", "message": "other-ls was here"}
    send({"method": "textDocument/publishDiagnostics", "params": {"uri": uri, "diagnostics": [diag]}})


def main():
    while True:
        msg = read_message()
        if msg is None:
            return
        method, mid = msg.get("method"), msg.get("id")
        if method == "initialize":
            send({"id": mid, "result": {"capabilities": {"textDocumentSync": 1}, "serverInfo": {"name": "other-ls"}}})
        elif method == "shutdown":
            send({"id": mid, "result": None})
        elif method == "exit":
            return
        elif method in ("textDocument/didOpen", "textDocument/didChange"):
            hint(msg["params"]["textDocument"]["uri"])
        elif mid is not None and method is not None:
            send({"id": mid, "error": {"code": -32601, "message": "not supported: " + method}})


if __name__ == "__main__":
    main()
