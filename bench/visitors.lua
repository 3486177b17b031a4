-- wrk script: every request comes from a new visitor (its own User-Agent and address),
-- so each view of a session page is counted, as the view counter tells apart visitors
-- by address and User-Agent. Counts the answers that say "X-View-Counted: 1" and prints
-- them, and the requests sent, when done:  wrk ... -s bench/visitors.lua <url> -- <token>
local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  token = args[1] or tostring(os.time())
  sent = 0
  counted = 0
end

function request()
  sent = sent + 1
  -- Each from an address of its own in 198.18.0.0/15, the range kept for benchmarks,
  -- in X-Forwarded-For, which the site reads from its proxy (CATALOGUE_TRUSTED_PROXIES): the
  -- counter takes at most a few views of a session from one address.
  local n = number * 100000 + sent
  return wrk.format("GET", nil, {
    ["User-Agent"] = string.format(
      "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 visitor/%s-%d-%d", token, number, sent
    ),
    ["X-Forwarded-For"] = string.format(
      "198.%d.%d.%d", 18 + math.floor(n / 65536) % 2, math.floor(n / 256) % 256, n % 256
    ),
  })
end

function response(status, headers, body)
  if headers["X-View-Counted"] == "1" then
    counted = counted + 1
  end
end

function done(summary, latency, requests)
  local counted_total, sent_total = 0, 0
  for _, thread in ipairs(threads) do
    counted_total = counted_total + thread:get("counted")
    sent_total = sent_total + thread:get("sent")
  end
  io.write(string.format("views counted: %d\n", counted_total))
  -- Those still on their way when wrk stopped are answered (and counted) all the same.
  io.write(string.format("requests sent: %d\n", sent_total))
end
