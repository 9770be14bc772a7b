"""A manager process that breaks the protocol on purpose: python3 misbehave.py <mode>.

modes: garbage (prints a log line to stdout on create), dies (exits during run), hangs (never
answers run), old-version (speaks protocol version 0), silent (never answers initialize),
unknown-id (answers an id the harness never sent), bad-settle (declares settle, answers it with
something that is not {"inFlight": {...}}, while a run is still in progress), settle-error (the same,
answering settle with a JSON-RPC error), slow-wire (declares settle; for half a second after a run
arrives, its settle answers count one HTTP request in flight that never reaches the harness, as a
request does on a loaded machine, then none; the run is answered a second after it arrived),
slow-body (declares settle; a run POSTs to the token endpoint with its body sent half a second after
its headers, counting the request in flight until the answer is read, then answers the run).
"""
import http.client
import json
import sys
import urllib.parse
import threading
import time

mode = sys.argv[1]
run_arrived = {}
token_url = {}
posting = set()
lock = threading.Lock()


def slow_post(instance, mid):
    url = urllib.parse.urlsplit(token_url[instance])
    body = b"grant_type=refresh_token&refresh_token=nope"
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.putrequest("POST", url.path)
    conn.putheader("content-type", "application/x-www-form-urlencoded")
    conn.putheader("content-length", str(len(body)))
    conn.endheaders()
    time.sleep(0.5)
    conn.send(body)
    conn.getresponse().read()
    conn.close()
    with lock:
        posting.discard(instance)
    send({"jsonrpc": "2.0", "id": mid, "result": {"kind": "retry_later", "reason": "test"}})


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    message = json.loads(line)
    method, mid = message.get("method"), message.get("id")
    if method == "initialize":
        if mode == "silent":
            continue
        hello = {"protocolVersion": 0 if mode == "old-version" else 1}
        if mode in ("bad-settle", "settle-error", "slow-wire", "slow-body"):
            hello["settle"] = True
        send({"jsonrpc": "2.0", "id": mid, "result": hello})
    elif method == "settle":
        if mode == "slow-body":
            with lock:
                send({"jsonrpc": "2.0", "id": mid, "result": {"inFlight": {i: 1 for i in posting}}})
        elif mode == "slow-wire":
            late = [i for i, t in run_arrived.items() if time.monotonic() - t < 0.5]
            send({"jsonrpc": "2.0", "id": mid, "result": {"inFlight": {i: 1 for i in late}}})
        elif mode == "settle-error":
            send({"jsonrpc": "2.0", "id": mid, "error": {"code": -32603, "message": "settle is not ready"}})
        else:
            send({"jsonrpc": "2.0", "id": mid, "result": {"inFlight": "none"}})
    elif method == "run" and mode == "slow-body":
        instance = message["params"]["instance"]
        with lock:
            posting.add(instance)
        threading.Thread(target=slow_post, args=(instance, mid)).start()
    elif method == "run" and mode == "slow-wire":
        run_arrived[message["params"]["instance"]] = time.monotonic()
        threading.Timer(1.0, send, args=({"jsonrpc": "2.0", "id": mid, "result": {"kind": "ok"}},)).start()
    elif method == "run" and mode in ("bad-settle", "settle-error"):
        # Still running when the harness asks settle; answers later, by then too late.
        threading.Timer(2.0, send, args=({"jsonrpc": "2.0", "id": mid, "result": {"kind": "ok"}},)).start()
    elif method == "create":
        packs = message["params"].get("packs", [])
        if packs:
            token_url[message["params"]["instance"]] = packs[0]["endpoints"]["token"]
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
