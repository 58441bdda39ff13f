-- wrk script for `bench/http.sh`: a fixed mix of searches (words, phrases,
-- sigles, filters, pages), with other routes and malformed requests mixed in
-- unless MIX=search, and a tally of answers by status class so a lost
-- request or a 5xx shows.
-- MIX=search: searches only (the throughput target); anything else: searches,
-- other routes and malformed requests (the robustness check).
local searches = {
  "/api/search?q=parentalit%C3%A9",
  "/api/search?q=jeunes",
  "/api/search?q=REUSSITE%20EDUCATIVE",
  "/api/search?q=%22situation%20de%20handicap%22",
  "/api/search?q=%22mission%20locale%22",
  "/api/search?q=CLAS",
  "/api/search?q=lieu%20d%27accueil%20enfants%20parents",
  "/api/search?q=pr%C3%A9vention%20sant%C3%A9%20jeunes",
  "/api/search?q=logement&offset=10",
  "/api/search?q=emploi&kind=contrat_de_ville",
  "/api/search?q=num%C3%A9rique&territory=31",
}
local others = {
  "/api/territories?entity=Mission%20Locale",
  "/api/acronyms/LAEP",
  -- malformed: each must be a 4xx JSON, never a 5xx nor a dropped request
  "/api/search?q=%FF%FE",
  "/api/search?q=jeunes&limit=99999999999999999999",
  "/api/search?q=",
  "/api/search?q=%22",
  "/api/graph?entity=CAF&depth=99",
  "/api/entities/inconnu",
}
local paths = {}
for _, p in ipairs(searches) do table.insert(paths, p) end
if os.getenv("MIX") ~= "search" then
  for _, p in ipairs(others) do table.insert(paths, p) end
end
local counter = 0
ok, client_error, server_error = 0, 0, 0

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  if status >= 500 then
    server_error = server_error + 1
  elseif status >= 400 then
    client_error = client_error + 1
  else
    ok = ok + 1
  end
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local o, c, s = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    c = c + t:get("client_error")
    s = s + t:get("server_error")
  end
  io.write(string.format("requests %d in %.1f s: %.0f req/s\n", summary.requests,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("answers: 2xx/3xx %d, 4xx %d, 5xx %d; socket errors: connect %d, read %d, write %d, timeout %d\n",
    o, c, s, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
