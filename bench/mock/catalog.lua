-- wrk: an authenticated read, GET /api/v1/skills/catalog with the session token from login.sh
-- (passed in the environment as ZZJB_TOKEN). Keep-alive, one static request.
wrk.method = "GET"
wrk.path = "/api/v1/skills/catalog"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ZZJB_TOKEN")
wrk.headers["Accept"] = "application/json"

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
    wrk.thread:stop()
  end
end
