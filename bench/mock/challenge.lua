-- wrk: the first half of the login path, POST /api/v1/auth/challenge (a fresh nonce each time).
-- The second half, POST /api/v1/auth/login, needs the nonce just issued signed with the school's
-- key, which a static wrk request cannot carry; it is timed separately by run.sh.
wrk.method = "POST"
wrk.path = "/api/v1/auth/challenge"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
