#!lua flags=no_writes,,allow-stale
--! keys: stats(prefix)
--! args: day, top:integer
-- A read-only report with a misspelt flag and a doubled comma in its shebang: Redis
-- refuses the script. `no_writes` is one edit from `no-writes` and no other flag is
-- close, and an empty flag only needs its comma removed, so both are fixed.
local rcall = redis.call
local prefix = KEYS[1]
local day = ARGV[1]
local top = tonumber(ARGV[2])

local function key(name)
  return prefix .. name
end

local function ranked(board, count)
  local out = {}
  local members = rcall('ZREVRANGE', key(board), 0, count - 1, 'WITHSCORES')
  for i = 1, #members, 2 do
    out[#out + 1] = members[i] .. '=' .. members[i + 1]
  end
  return out
end

local function total(name)
  local value = rcall('HGET', key('totals:') .. day, name)
  if not value then
    return 0
  end
  return tonumber(value) or 0
end

local views = total('views')
local clicks = total('clicks')
local rate = 0
if views > 0 then
  rate = math.floor(clicks * 10000 / views)
end

local report = {
  'day', day,
  'views', tostring(views),
  'clicks', tostring(clicks),
  'rate_bp', tostring(rate),
}
for _, line in ipairs(ranked('pages:' .. day, top)) do
  report[#report + 1] = line
end

local exists = rcall('EXISTS', key('closed:') .. day)
if exists == 1 then
  report[#report + 1] = 'closed'
end
return report
