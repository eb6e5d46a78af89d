--! keys: stats
--! args: values..
-- Local copies of globals (a common speed idiom) hide nothing: the local holds the
-- global itself.
local tonumber, tostring = tonumber, tostring
local string, table, math = string, table, math
local insert = table.insert
local floor = math.floor

local function summarize(values)
  local numbers = {}
  for _, value in ipairs(values) do
    local n = tonumber(value)
    if n then
      insert(numbers, floor(n))
    end
  end
  table.sort(numbers)
  return numbers
end

local numbers = summarize(ARGV)
redis.call('HSET', KEYS[1], 'count', tostring(#numbers), 'label', string.format('%d values', #numbers))
return numbers
