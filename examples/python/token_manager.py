"""An example token manager in Python (standard library only), put under test by reconnect-lab.

What it does, as a production manager should:
- refreshes when the access token is within 5 minutes of expiry, or once on a 401 from the API;
- claims a lease in the credential row (compare-and-set) before refreshing, so two processes never
  present the same rotating refresh token; the lease's version fences the final write;
- persists the rotated refresh token before handing out the new access token, and keeps the stored
  one when a response omits it;
- classifies every token-endpoint failure: permanent (reconnect), configuration (admin),
  platform (support), transient (retry later, never a prompt, never discards the grant).
Dialects: the RFC baseline, Jira (JSON body, client credentials in it, 403 for a dead grant,
401 for a wrong secret) and Google (client_secret_post, access_type=offline). Other providers are
spoken as the baseline, which is wrong for some of them (docs/PROTOCOL.md says which).
"""
import base64
import hashlib
import json
import secrets
import threading
import urllib.parse

MARGIN_MS = 5 * 60_000
LEASE_MS = 5 * 60_000
# Sources whose every refresh answer carries a new refresh token (connectors.md: Atlassian).
ALWAYS_ROTATES = {"jira"}
# How long Atlassian still honours a rotated refresh token (connectors.md §1, "Reuse leeway").
REUSE_LEEWAY_MS = 10 * 60_000
LEASE_SAFETY_MS = 60_000


def ok():
    return {"kind": "ok"}


def connect(reason):
    return {"kind": "connect_required", "reason": reason}


def blocked(reason, contact):
    return {"kind": "blocked", "reason": reason, "contact": contact}


def retry(reason):
    return {"kind": "retry_later", "reason": reason}


class StoreUnavailable(Exception):
    pass


class Failure(Exception):
    def __init__(self, outcome, answer_lost=False):
        super().__init__(outcome.get("reason"))
        self.outcome = outcome
        # The request may have reached the source (a reset or a dropped answer): it may have acted on it.
        self.answer_lost = answer_lost


def _json(raw):
    try:
        return json.loads(raw)
    except (ValueError, TypeError):
        return None


class TokenManager:
    def __init__(self, env, bug=None, keepalive_hours=None):
        self.env = env
        self.bug = bug
        self.keepalive_ms = None if keepalive_hours is None else keepalive_hours * 3600_000
        self.packs = {p["id"]: p for p in env.packs}
        self.verifiers = {}
        self.not_before = {}
        self.locks = {}
        self.locks_lock = threading.Lock()

    # -- the contract ---------------------------------------------------------------------------
    def run(self, call, teammate, pack_id):
        key = self._key(teammate, pack_id)
        with self._lock(key):
            row = self.env.store_get(key)
            if row is None:
                return connect("not_connected")
            try:
                credential = row["credential"]
                if self._due(credential):
                    credential = self._refresh(key, pack_id, row)
                result = self._call_api(call, credential)
                if result["status"] == 401:
                    credential = self._refresh(key, pack_id, self.env.store_get(key) or row,
                                               rejected=credential["accessToken"])
                    result = self._call_api(call, credential)
                return self._api_outcome(result)
            except Failure as failure:
                return failure.outcome
            except StoreUnavailable:
                return retry("the credential store is unavailable")

    def begin_connect(self, teammate, pack_id):
        pack = self.packs[pack_id]
        state = secrets.token_urlsafe(16)
        verifier = secrets.token_urlsafe(48)
        self.verifiers[state] = (teammate, pack_id, verifier)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = {
            "response_type": "code",
            "client_id": pack["clientId"],
            "redirect_uri": pack["redirectUri"],
            "scope": " ".join(pack["scopes"]),
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        if pack["provider"] == "jira":
            query.update({"audience": "api.atlassian.com", "prompt": "consent"})
        if pack["provider"] == "google":
            query.update({"access_type": "offline", "prompt": "consent"})
        separator = "&" if "?" in pack["endpoints"]["authorize"] else "?"
        return pack["endpoints"]["authorize"] + separator + urllib.parse.urlencode(query)

    def complete_connect(self, teammate, pack_id, callback_url):
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback_url).query))
        if "error" in query:
            if query["error"] == "access_denied":
                return connect("consent_denied")
            return retry(f"authorization endpoint answered {query['error']}")
        pending = self.verifiers.pop(query.get("state"), None)
        if pending is None or pending[:2] != (teammate, pack_id) or "code" not in query:
            return blocked("the callback does not match a Connect in progress", "support")
        try:
            token = self._token(pack_id, {"grant_type": "authorization_code", "code": query["code"],
                                          "redirect_uri": self.packs[pack_id]["redirectUri"],
                                          "code_verifier": pending[2]})
        except Failure as failure:
            return failure.outcome
        key = self._key(teammate, pack_id)
        with self._lock(key):
            try:
                for _ in range(5):
                    row = self.env.store_get(key)
                    if self.env.store_cas(key, row["version"] if row else 0, self._credential(token, None)):
                        return ok()
            except StoreUnavailable:
                # The grant exists at the source but not here: the teammate's next Connect stores one.
                return retry("the credential store is unavailable; try Connect again")
        return retry("the credential store kept changing")

    def clear_credentials(self, teammate, pack_id):
        key = self._key(teammate, pack_id)
        for attempt in range(5):
            try:
                row = self.env.store_get(key)
                if row is None or self.env.store_cas(key, row["version"], None):
                    return
            except StoreUnavailable:
                # An outage is brief: back off (virtual time) and try again; a clear must not be lost.
                self.env.sleep(1000 * 2 ** attempt)
        raise RuntimeError("the credentials kept changing or the store stayed unavailable while clearing")

    def update_client_secret(self, pack_id, secret):
        self.packs[pack_id] = {**self.packs[pack_id], "clientSecret": secret}

    def background(self):
        """Keep-alive: refresh every stored grant whose access token expires before the next tick."""
        for key in self.env.store_keys():
            teammate, pack_id = self._split(key)
            if pack_id not in self.packs:
                continue
            with self._lock(key):
                row = self.env.store_get(key)
                if row is None:
                    continue
                expires = row["credential"].get("accessTokenExpiresAt")
                if expires is not None and expires - self.env.now() > (self.keepalive_ms or 0):
                    continue
                try:
                    self._refresh(key, pack_id, row)
                except Failure:
                    pass  # the next run reports it

    # -- refresh ------------------------------------------------------------------------------
    def _due(self, credential):
        expires = credential.get("accessTokenExpiresAt")
        if expires is None:
            return False
        # Refresh MARGIN_MS ahead, or half way through a lifetime shorter than twice the margin (a
        # 5-minute token would otherwise be due from the moment it arrives).
        lifetime = expires - credential.get("obtainedAt", expires)
        return self.env.now() >= expires - min(MARGIN_MS, lifetime // 2)

    def _usable(self, credential, rejected):
        """Good enough without refreshing ourselves: not due, and not the access token the API just rejected."""
        return not self._due(credential) and credential.get("accessToken") != rejected

    def _refresh(self, key, pack_id, row, rejected=None):
        """Lease, refresh, write back under the lease's version; returns the new credential.
        `rejected`: the access token a 401 just refused (another process's unchanged row is no cure)."""
        for _ in range(5):
            credential = row["credential"]
            lease = (credential.get("extras") or {}).get("leaseUntil")
            if lease is not None and float(lease) > self.env.now():
                # Another process is refreshing: wait for its result (virtual time), do not refresh too.
                row = self._await_lease(key, row)
                if row is None:
                    raise Failure(connect("not_connected"))
                if not self._leased(row["credential"]):
                    if self._usable(row["credential"], rejected):
                        return row["credential"]
                    continue
                if not self._may_take_over(pack_id, row["credential"]):
                    raise Failure(retry("another process is refreshing this credential"))
                # Claim it over the holder below (its own write is fenced out from then on).
                credential = row["credential"]
            not_before = self.not_before.get(pack_id, 0)
            if self.env.now() < not_before:
                raise Failure(retry("the token endpoint asked us to wait (Retry-After)"))
            refresh_token = credential.get("refreshToken")
            if refresh_token is None:
                raise Failure(connect("grant_expired"))
            leased = {**credential, "extras": {**(credential.get("extras") or {}),
                                               "leaseUntil": str(self.env.now() + LEASE_MS)}}
            if not self.env.store_cas(key, row["version"], leased):
                row = self.env.store_get(key)
                if row is None:
                    raise Failure(connect("not_connected"))
                if row["credential"].get("refreshToken") != refresh_token and self._usable(row["credential"], rejected):
                    return row["credential"]  # someone else refreshed: use theirs
                continue
            fence = row["version"] + 1
            try:
                token = self._refresh_grant(pack_id, refresh_token)
                token = self._resync_missing_refresh_token(pack_id, refresh_token, token)
            except Failure as failure:
                # Release the lease and keep the row: a dead grant is replaced by the next Connect.
                self.env.store_cas(key, fence, self._unleased(credential))
                raise
            fresh = self._credential(token, refresh_token)
            if self.bug == "forget-rotated-refresh-token":
                fresh["refreshToken"] = refresh_token  # the bug: the rotated refresh token is never stored
            if not self.env.store_cas(key, fence, fresh):
                raise Failure(retry("the credential changed while refreshing"))
            return fresh
        raise Failure(retry("the credential store kept changing"))

    def _may_take_over(self, pack_id, credential):
        """A holder that may have died (a restart after the store refused its rotated write) leaves the
        retired token as the only durable one. Where the source honours it for a known leeway
        (Atlassian, 10 minutes), present it again while every presentation of the holder's is still
        inside the leeway; waiting out its lease would present it after, and end the grant."""
        if self.packs[pack_id]["provider"] not in ALWAYS_ROTATES:
            return False
        claimed = float((credential.get("extras") or {})["leaseUntil"]) - LEASE_MS
        return self.env.now() < claimed + REUSE_LEEWAY_MS - LEASE_SAFETY_MS

    def _leased(self, credential):
        lease = (credential.get("extras") or {}).get("leaseUntil")
        return lease is not None and float(lease) > self.env.now()

    @staticmethod
    def _unleased(credential):
        extras = {k: v for k, v in (credential.get("extras") or {}).items() if k != "leaseUntil"}
        stripped = {k: v for k, v in credential.items() if k != "extras"}
        return {**stripped, "extras": extras} if extras else stripped

    def _await_lease(self, key, row):
        for _ in range(10):
            self.env.sleep(1000)
            row = self.env.store_get(key)
            if row is None or not self._leased(row["credential"]):
                return row
        return row

    def _credential(self, token, previous_refresh_token):
        now = self.env.now()
        credential = {"accessToken": token["access_token"], "obtainedAt": now}
        refresh_token = token.get("refresh_token") or previous_refresh_token
        if refresh_token:
            credential["refreshToken"] = refresh_token
        if isinstance(token.get("expires_in"), (int, float)):
            credential["accessTokenExpiresAt"] = now + int(token["expires_in"] * 1000)
        if isinstance(token.get("scope"), str):
            credential["scopes"] = token["scope"].split()
        return credential

    def _refresh_grant(self, pack_id, refresh_token):
        grant = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        try:
            return self._token(pack_id, grant)
        except Failure as failure:
            if not failure.answer_lost or self.packs[pack_id]["provider"] not in ALWAYS_ROTATES:
                raise
            # The source may have rotated and its answer was lost: the token we sent is retired, and
            # only inside the 10-minute leeway is it still honoured. Present it again now, not next run.
            return self._token(pack_id, grant)

    def _resync_missing_refresh_token(self, pack_id, refresh_token, token):
        """Atlassian always rotates: an answer without a refresh token means the one we sent is retired
        and its successor was lost. Inside the 10-minute reuse leeway the retired one is still honoured,
        so present it again at once (twice at most) to get a pair that lasts."""
        if token.get("refresh_token") or self.packs[pack_id]["provider"] not in ALWAYS_ROTATES:
            return token
        for _ in range(2):
            try:
                again = self._token(pack_id, {"grant_type": "refresh_token", "refresh_token": refresh_token})
            except Failure:
                break
            token = again
            if again.get("refresh_token"):
                break
        return token

    def _token(self, pack_id, grant):
        pack = self.packs[pack_id]
        provider = pack["provider"]
        headers = {"accept": "application/json"}
        if provider == "jira":
            body = json.dumps({**grant, "client_id": pack["clientId"], "client_secret": pack["clientSecret"]}).encode()
            headers["content-type"] = "application/json"
        else:
            fields = dict(grant)
            if provider == "google":
                fields.update({"client_id": pack["clientId"], "client_secret": pack["clientSecret"]})
            else:
                basic = f"{urllib.parse.quote(pack['clientId'])}:{urllib.parse.quote(pack['clientSecret'])}"
                headers["authorization"] = "Basic " + base64.b64encode(basic.encode()).decode()
            body = urllib.parse.urlencode(fields).encode()
            headers["content-type"] = "application/x-www-form-urlencoded"
        # Retry-After limits the client, not one credential: no request to this token endpoint until
        # then. One token request at a time per client in this process, so a thread never sends after
        # another thread's 429 has arrived without having seen it (the check and the send are atomic).
        with self._lock(("token", pack_id)):
            if self.env.now() < self.not_before.get(pack_id, 0):
                raise Failure(retry("the token endpoint asked us to wait (Retry-After)"))
            try:
                status, response_headers, raw = self.env.http("POST", pack["endpoints"]["token"], headers, body)
            except Exception as error:  # NetworkError: a reset or a dropped answer
                raise Failure(retry(f"token endpoint unreachable ({type(error).__name__})"), answer_lost=True)
            if status in (429, 503) and "retry-after" in response_headers:
                try:
                    self.not_before[pack_id] = self.env.now() + int(float(response_headers["retry-after"]) * 1000)
                except ValueError:
                    pass  # an HTTP-date: no wait is kept, the next run may retry
        payload = _json(raw)
        if 200 <= status < 300 and isinstance(payload, dict) and isinstance(payload.get("access_token"), str):
            return payload
        raise Failure(self._classify(provider, status, payload))

    def _classify(self, provider, status, payload):
        error = payload.get("error") if isinstance(payload, dict) else None
        if status == 429 or status >= 500:
            return retry(f"token endpoint answered {status}")
        if 200 <= status < 300:
            return blocked("token endpoint answered 2xx without an access token", "support")
        if provider == "jira":
            if status == 403 and error in ("unauthorized_client", "invalid_grant"):
                return connect("grant_invalid")
            if status == 401:
                return blocked("token endpoint rejected the client", "admin")
            description = payload.get("error_description", "") if isinstance(payload, dict) else ""
            if status == 400 and error == "invalid_request" and "authorization_code" in str(description).lower():
                return connect("grant_invalid")
        if error == "invalid_grant":
            return connect("grant_invalid")
        if error in ("invalid_client", "unauthorized_client") or status == 401:
            return blocked(f"token endpoint rejected the client ({error or status})", "admin")
        return blocked(f"token endpoint answered {status} {error or ''}".strip(), "support")

    # -- the agent's call -----------------------------------------------------------------------
    def _call_api(self, call, credential):
        try:
            return self.env.call_api(call, credential["accessToken"])
        except Exception:
            raise Failure(retry("the API could not be reached"))

    def _api_outcome(self, result):
        status = result["status"]
        if 200 <= status < 300:
            return ok()
        if status == 401:
            return connect("grant_invalid")
        challenge = (result.get("headers") or {}).get("www-authenticate", "")
        if status == 403 and "insufficient_scope" in challenge:
            return connect("scope_missing")
        if status == 429 or status >= 500:
            return retry(f"the API answered {status}")
        return blocked(f"the API answered {status}", "support")

    # -- helpers --------------------------------------------------------------------------------
    @staticmethod
    def _key(teammate, pack_id):
        return f"{pack_id}\u0000{teammate}"

    @staticmethod
    def _split(key):
        pack_id, _, teammate = key.partition("\u0000")
        return teammate, pack_id

    def _lock(self, key):
        # The adapter's locks tell it when a call waits on another one (its `settle` answer needs it).
        with self.locks_lock:
            lock = self.locks.get(key)
            if lock is None:
                lock = self.locks[key] = getattr(self.env, "lock", threading.Lock)()
            return lock
