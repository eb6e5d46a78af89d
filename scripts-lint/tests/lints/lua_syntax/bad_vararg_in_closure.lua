--! keys: counters
--! args: fields..
-- Increments several hash fields and returns their new values sorted. The helper
-- takes its fields as `...`, but reads `...` again inside the comparator it gives
-- `table.sort`: that function has no `...` of its own, and Lua 5.1 refuses it.
local rcall = redis.call

local function increment_all(key, ...)
  local values = {}
  for i = 1, select('#', ...) do
    local field = select(i, ...)
    values[#values + 1] = { field = field, value = rcall('HINCRBY', key, field, 1) }
  end
  return values
end

local function sorted(key, ...)
  local values = increment_all(key, ...)
  table.sort(values, function(a, b)
    -- ties keep the order the fields were passed in
    if a.value == b.value then
      for i = 1, select('#', ...) do
        local field = select(i, ...)
        if field == a.field then
          return true
        end
        if field == b.field then
          return false
        end
      end
    end
    return a.value > b.value
  end)
  return values
end

local result = {}
for _, entry in ipairs(sorted(KEYS[1], unpack(ARGV))) do
  result[#result + 1] = entry.field
  result[#result + 1] = entry.value
end
return result
