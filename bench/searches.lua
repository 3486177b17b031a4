-- wrk script: each request searches for other words (two of the generator's ~150
-- governance words, in turn: over 60,000 searches before one repeats), so no search is
-- served from a page cached by an earlier one of the run:
--   wrk ... -s bench/searches.lua http://127.0.0.1:8000/sessions/ -- <seed>
local words = {
  "internet", "digital", "online", "policy", "governance", "government", "development",
  "technology", "economy", "platforms", "users", "services", "access", "security",
  "network", "content", "innovation", "regulation", "community", "society", "sector",
  "private", "civil", "technical", "academic", "public", "global", "national",
  "regional", "local", "international", "framework", "strategy", "capacity",
  "participation", "cooperation", "countries", "challenges", "opportunities",
  "stakeholders", "multistakeholder", "forum", "dialogue", "cybersecurity",
  "encryption", "trust", "resilience", "inclusion", "divide", "affordability",
  "literacy", "skills", "rural", "women", "gender", "youth", "accessibility",
  "education", "languages", "connectivity", "rights", "freedom", "expression",
  "privacy", "surveillance", "journalism", "accountability", "data", "protection",
  "flows", "sovereignty", "algorithms", "artificial", "intelligence", "ethics",
  "automation", "standards", "interoperability", "spectrum", "satellites", "cables",
  "infrastructure", "investment", "broadband", "mobile", "sustainable", "climate",
  "environment", "health", "identity", "payments", "trade", "taxation", "competition",
  "markets", "startups", "sandbox", "blockchain",
}
local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  -- Kept small: Lua numbers are doubles, and past 2^53 adding one changes nothing, which
  -- would make every request the same (cached) search.
  step = (tonumber(args[1]) or os.time()) % 1000003 * 7 + number * 1009
end

function request()
  step = step + 1
  local first = words[step % #words + 1]
  local second = words[math.floor(step / #words) % #words + 1]
  local page = math.floor(step / (#words * #words)) % 3 + 1
  local path = string.format("%s?q=%s+%s&page=%d", wrk.path, first, second, page)
  return wrk.format("GET", path)
end
