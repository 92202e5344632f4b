-- wrk script for the intake benchmark: POST /v1/payments with a unique Idempotency-Key per request
-- (thread number, a per-run random prefix and a counter) and the sample body of bankgate-bench, its
-- amount unique to the request.
-- usage: BENCH_TOKEN=... wrk -t2 -c32 -d10s --latency -s Benchmarks/wrk-intake.lua http://127.0.0.1:18080/v1/payments
-- With BENCH_INVALID=1 every amount is negative, so every request is refused by validation (422): the
-- intake path without the store, for the floors in docs/benchmarks.md.

local threads = {}
local run = tostring(os.time())

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local creditors = {
  {"Müller GmbH", "GB82WEST12345698765432", "WESTGB2L"},
  {"Dupont et Fils SARL", "FR1420041010050500013M02606", "PSSTFRPPXXX"},
  {"Van Dijk Handel BV", "NL91ABNA0417164300", "ABNANL2A"},
  {"Suministros García SL", "ES9121000418450200051332", "CAIXESBBXXX"},
}

local counter = 0
local token = os.getenv("BENCH_TOKEN") or "bench-token-0123456789abcdef"
local sign = (os.getenv("BENCH_INVALID") == "1") and "-" or ""

function init(args)
  counter = 0
end

function request()
  counter = counter + 1
  local c = creditors[(counter % #creditors) + 1]
  -- A different amount for every request of a run (thread and counter) and, but for a chance of
  -- about 1 in 1,000 per pair of runs, of other runs too: no payment resembles an earlier one, so
  -- none is held as a suspected duplicate (every request takes the ordinary intake path).
  local index = counter * 16 + tid
  local cents = 100 + (index * 7919 + tonumber(run) * 104729) % 999999000
  local body = string.format(
    '{"debtor_account":"acme-eur","amount":"' .. sign .. '%d.%02d","currency":"EUR","creditor":{"name":"%s","account":"%s","bank_code":"%s"},"remittance_info":"Invoice %d"}',
    math.floor(cents / 100), cents % 100, c[1], c[2], c[3], counter)
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("wrk-%s-%d-%d", run, tid, counter),
  }
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("wrk: %d requests, %d non-2xx/3xx answers (wrk counts), %.0f requests/s\n",
    summary.requests, summary.errors.status, summary.requests / (summary.duration / 1e6)))
end
