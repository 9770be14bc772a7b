"""A manager process that breaks the protocol on purpose: python3 misbehave.py <mode>.

modes: garbage (prints a log line to stdout on create), dies (exits during run), hangs (never
answers run), old-version (speaks protocol version 0), silent (never answers initialize),
unknown-id (answers an id the harness never sent).
"""
import json
import sys
import time

mode = sys.argv[1]


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    message = json.loads(line)
    method, mid = message.get("method"), message.get("id")
    if method == "initialize":
        if mode == "silent":
            continue
        send({"jsonrpc": "2.0", "id": mid, "result": {"protocolVersion": 0 if mode == "old-version" else 1}})
    elif method == "create":
        if mode == "garbage":
            print("connecting to token database...")
            continue
        send({"jsonrpc": "2.0", "id": mid, "result": {}})
    elif method == "beginConnect":
        if mode == "dies":
            sys.stderr.write("Traceback: KeyError: 'TOKEN_DB_URL' (client_secret=s3cr3t-value-123)\n")
            sys.stderr.flush()
            sys.exit(3)
        if mode == "hangs":
            time.sleep(3600)
        if mode == "unknown-id":
            send({"jsonrpc": "2.0", "id": 999, "result": {}})
            continue
        send({"jsonrpc": "2.0", "id": mid, "result": {"authorizationUrl": "http://x.test/authorize"}})
    elif mid is not None:
        send({"jsonrpc": "2.0", "id": mid, "result": {}})
