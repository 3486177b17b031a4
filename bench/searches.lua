-- wrk script: each request searches for other words (two of a list, in turn), so no
-- search is served from a page cached by an earlier one of the run:
--   wrk ... -s bench/searches.lua http://127.0.0.1:8000/sessions/ -- <seed>
local words = {
  "internet", "digital", "governance", "security", "access", "rights", "privacy",
  "inclusion", "connectivity", "youth", "gender", "data", "platforms", "climate",
  "cybersecurity", "education", "infrastructure", "artificial", "intelligence",
  "standards", "broadband", "identity", "trade", "journalism", "surveillance",
  "encryption", "literacy", "sustainable", "multistakeholder", "cooperation",
}
local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  step = (tonumber(args[1]) or os.time()) * 7 + number * 1009
end

function request()
  step = step + 1
  local first = words[step % #words + 1]
  local second = words[math.floor(step / #words) % #words + 1]
  local page = math.floor(step / (#words * #words)) % 3 + 1
  local path = string.format("%s?q=%s+%s&page=%d", wrk.path, first, second, page)
  return wrk.format("GET", path)
end
