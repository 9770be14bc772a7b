#!/usr/bin/env python3
"""reconnect-lab manager protocol, version 1, for the example token manager (standard library only).

JSON-RPC 2.0, one message per line, over stdin/stdout (docs/PROTOCOL.md). The harness calls
create/dispose/run/beginConnect/completeConnect/clearCredentials/updateClientSecret/background;
while a call runs, this process calls back: callApi, now, sleep, store.get, store.compareAndSet,
store.keys. Every request from the harness runs on its own thread, so concurrent runs overlap as
they would in a real service. Nothing but protocol messages goes to stdout; logs go to stderr.

It answers `settle` (declared in `initialize`): the harness asks before each scheduling decision of
an interleaving whether anything in this process can still run. Every place a thread waits (a
callback answer, an HTTP answer, a per-credential lock held by another call) goes through `Quiet`,
which counts the threads that can run; `settle` is answered once that count is zero, with the HTTP
requests each instance has sent and not yet read to the end. Without it the harness would wait for
10 ms of silence at every decision where one call waits on another's lock.

Usage: python3 adapter.py [--keepalive-hours N] [--bug forget-rotated-refresh-token]
"""
import collections
import json
import sys
import threading
import urllib.error
import urllib.request

from token_manager import StoreUnavailable, TokenManager

PROTOCOL_VERSION = 1


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class NetworkError(Exception):
    pass


class Quiet:
    """Which threads of this process can run, and what each instance has on the wire.

    A thread stops counting as runnable only at a wait this class knows about, and whoever ends that
    wait (the stdin reader delivering an answer, a lock's releaser handing it over) counts it runnable
    again before doing anything else, under the same lock. So "zero runnable" never passes while a
    wake-up is on its way, and `settle` cannot answer early.
    """

    def __init__(self):
        self.cond = threading.Condition()
        self.runnable = 0
        self.in_flight = {}

    def started(self):
        """A harness request was read: its thread counts as runnable from now, before it starts."""
        with self.cond:
            self.runnable += 1

    def finished(self):
        with self.cond:
            self.runnable -= 1
            self.cond.notify_all()

    def settle(self, instances):
        """Blocks until nothing can run; returns {instance: HTTP requests sent and not yet read}."""
        with self.cond:
            while self.runnable > 0:
                self.cond.wait()
            return {instance: self.in_flight.get(instance, 0) for instance in instances}

    def http_started(self, instance):
        # From here until the answer is read the thread waits on the wire. The harness compares the
        # count with the requests it holds at its gateway, so one still travelling is not missed.
        with self.cond:
            self.in_flight[instance] = self.in_flight.get(instance, 0) + 1
            self.runnable -= 1
            self.cond.notify_all()

    def http_finished(self, instance):
        with self.cond:
            left = self.in_flight.get(instance, 0) - 1
            if left > 0:
                self.in_flight[instance] = left
            else:
                self.in_flight.pop(instance, None)
            self.runnable += 1

    def lock(self):
        return QuietLock(self)


class QuietLock:
    """A mutex whose waiters count as blocked; release hands it straight to the next waiter (FIFO)."""

    def __init__(self, quiet):
        self.quiet = quiet
        self.held = False
        self.waiters = collections.deque()

    def acquire(self):
        quiet = self.quiet
        with quiet.cond:
            if not self.held:
                self.held = True
                return
            ticket = [False]
            self.waiters.append(ticket)
            quiet.runnable -= 1
            quiet.cond.notify_all()
            while not ticket[0]:
                quiet.cond.wait()

    def release(self):
        quiet = self.quiet
        with quiet.cond:
            if self.waiters:
                # Ownership passes to the waiter, which counts as runnable at once.
                self.waiters.popleft()[0] = True
                quiet.runnable += 1
                quiet.cond.notify_all()
            else:
                self.held = False

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


class Rpc:
    def __init__(self, quiet):
        self.lock = threading.Lock()
        self.quiet = quiet
        self.pending = {}
        self.next_id = 0

    def send(self, message):
        line = json.dumps(message, separators=(",", ":"))
        with self.lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def call(self, method, params):
        quiet = self.quiet
        with quiet.cond:
            self.next_id += 1
            call_id = self.next_id
            waiter = {"message": None, "blocked": False}
            self.pending[call_id] = waiter
        self.send({"jsonrpc": "2.0", "id": call_id, "method": method, "params": params})
        # Blocked only once the request is written: a settle answer can then only follow it on stdout.
        with quiet.cond:
            if waiter["message"] is None:
                waiter["blocked"] = True
                quiet.runnable -= 1
                quiet.cond.notify_all()
                while waiter["message"] is None:
                    quiet.cond.wait()
        message = waiter["message"]
        if "error" in message:
            raise RpcError(message["error"].get("code"), message["error"].get("message"))
        return message["result"]

    def answered(self, message):
        """Called on the stdin reader: the waiting thread is runnable before the next line is read."""
        quiet = self.quiet
        with quiet.cond:
            waiter = self.pending.pop(message.get("id"), None)
            if waiter is not None:
                waiter["message"] = message
                if waiter["blocked"]:
                    quiet.runnable += 1
                quiet.cond.notify_all()


class Env:
    """What one manager instance sees: its packs, the harness clock, the shared store, HTTP."""

    def __init__(self, rpc, instance, packs):
        self.rpc = rpc
        self.quiet = rpc.quiet
        self.instance = instance
        self.packs = packs
        self.local = threading.local()

    def _call(self, method, **params):
        result = self.rpc.call(method, {"instance": self.instance, **params})
        if isinstance(result, dict) and "now" in result:
            self.local.now = result["now"]
        return result

    def set_now(self, now):
        self.local.now = now

    def now(self):
        """Virtual time: the last `now` the harness sent on this thread (every message carries one)."""
        return getattr(self.local, "now", None) or self._call("now")["now"]

    def sleep(self, ms):
        self._call("sleep", ms=ms)

    def store_get(self, key):
        return self._call("store.get", key=key)["row"]

    def store_cas(self, key, expected_version, credential):
        try:
            return self._call("store.compareAndSet", key=key, expectedVersion=expected_version, next=credential)["ok"]
        except RpcError as error:
            if error.code == -32002:  # the store failed the write: nothing was written
                raise StoreUnavailable(str(error))
            raise

    def lock(self):
        """A lock for work that waits on another call (the manager's per-credential single-flight)."""
        return self.quiet.lock()

    def store_keys(self):
        return self._call("store.keys")["keys"]

    def call_api(self, call, access_token):
        try:
            return self._call("callApi", call=call, accessToken=access_token)
        except RpcError as error:
            raise NetworkError(str(error))

    def _seen(self, raw_headers):
        """Response headers, lower-cased; X-Lab-Now (the virtual time of the answer) becomes this thread's now."""
        headers = {k.lower(): v for k, v in raw_headers.items()}
        if "x-lab-now" in headers:
            self.local.now = int(float(headers["x-lab-now"]))
        return headers

    def http(self, method, url, headers, body):
        """Real HTTP to the loopback URL of a pack descriptor; HTTP errors are answers, not exceptions."""
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        self.quiet.http_started(self.instance)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, self._seen(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, self._seen(error.headers), error.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
            raise NetworkError(type(error).__name__)
        finally:
            self.quiet.http_finished(self.instance)


def main():
    args = sys.argv[1:]
    keepalive_hours = None
    bug = None
    while args:
        flag = args.pop(0)
        if flag == "--keepalive-hours":
            keepalive_hours = float(args.pop(0))
        elif flag == "--bug":
            bug = args.pop(0)
        else:
            sys.stderr.write(f"adapter.py: unknown option {flag}\n")
            sys.exit(2)

    quiet = Quiet()
    rpc = Rpc(quiet)
    instances = {}
    lock = threading.Lock()

    def handle(method, params):
        if method == "initialize":
            hello = {"protocolVersion": PROTOCOL_VERSION, "manager": {"name": "python-example", "language": "python"},
                     "settle": True}
            if keepalive_hours is not None:
                hello["background"] = {"everyMs": int(keepalive_hours * 3600_000)}
            return hello
        instance_id = params["instance"]
        if method == "create":
            env = Env(rpc, instance_id, params["packs"])
            env.set_now(params["now"])
            with lock:
                instances[instance_id] = TokenManager(env, bug=bug, keepalive_hours=keepalive_hours)
            return {}
        with lock:
            manager = instances.get(instance_id)
        if manager is None:
            raise RpcError(-32602, f"unknown instance {instance_id}")
        manager.env.set_now(params.get("now"))
        if method == "dispose":
            with lock:
                instances.pop(instance_id, None)
            return {}
        if method == "run":
            return manager.run(params["call"], params["teammate"], params["pack"])
        if method == "beginConnect":
            return {"authorizationUrl": manager.begin_connect(params["teammate"], params["pack"])}
        if method == "completeConnect":
            return manager.complete_connect(params["teammate"], params["pack"], params["callbackUrl"])
        if method == "clearCredentials":
            manager.clear_credentials(params["teammate"], params["pack"])
            return {}
        if method == "updateClientSecret":
            manager.update_client_secret(params["pack"], params["secret"])
            return {}
        if method == "background":
            manager.background()
            return {}
        raise RpcError(-32601, f"no manager method {method}")

    def serve(message):
        try:
            result = handle(message["method"], message.get("params") or {})
            rpc.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
        except RpcError as error:
            rpc.send({"jsonrpc": "2.0", "id": message["id"], "error": {"code": error.code, "message": str(error)}})
        except Exception as error:  # a bug in the manager: the harness reports it as a manager error
            sys.stderr.write(f"adapter.py: {message['method']} failed: {type(error).__name__}: {error}\n")
            rpc.send({"jsonrpc": "2.0", "id": message["id"],
                      "error": {"code": -32603, "message": f"{type(error).__name__}: {error}"}})
        finally:
            quiet.finished()  # after the answer is written: it reaches stdout before any settle answer

    def settle(message):
        with lock:
            live = list(instances)
        in_flight = quiet.settle(live)
        rpc.send({"jsonrpc": "2.0", "id": message["id"], "result": {"inFlight": in_flight}})

    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        if "method" not in message:
            rpc.answered(message)
        elif message.get("method") == "shutdown":
            break
        elif message.get("method") == "settle" and "id" in message:
            # Not counted as runnable: it waits for everything else to stop.
            threading.Thread(target=settle, args=(message,), daemon=True).start()
        elif "id" in message:
            quiet.started()
            threading.Thread(target=serve, args=(message,), daemon=True).start()


if __name__ == "__main__":
    main()
