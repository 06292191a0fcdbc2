-- wrk: GET /__admin/health, the server and TLS without the platform's rules (a baseline).
wrk.method = "GET"
wrk.path = "/__admin/health"
