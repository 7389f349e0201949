-- POST /api/v1/tasks with a new body each time, for the tenant in BENCH_TENANT, signed with the
-- identity signature in BENCH_IDENTITY (made by create-throughput.sh).
local tenant = os.getenv("BENCH_TENANT") or "bench-wrk"
local identity = os.getenv("BENCH_IDENTITY") or ""
local headers = {
  ["Content-Type"] = "application/json",
  ["X-Tasklane-Tenant"] = tenant,
  ["X-Tasklane-Caller"] = "benchmark",
  ["X-Tasklane-Scopes"] = "admin tasks:read tasks:write",
  ["X-Tasklane-Identity"] = identity,
}
local n = 0

request = function()
  n = n + 1
  local body = string.format(
    '{"goal":"Summarise incident %d and post the timeline","label":"bench-%d",' ..
    '"runtime":"subagent","requesterSessionKey":"chat:%d","metadata":{"source":"benchmark"}}',
    n, n, n % 1000)
  return wrk.format("POST", "/api/v1/tasks", headers, body)
end

local failures = 0

response = function(status, headers, body)
  if status ~= 201 then
    failures = failures + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("latency p50=%.1f ms p99=%.1f ms max=%.1f ms; non-201 answers: %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status))
end
