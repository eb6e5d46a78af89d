--! keys: job, lock, queue
-- A helper that compares its parameter with `nil` is wrong for every reply a caller
-- passes: one finding at the comparison, naming each command.
local rcall = redis.call

local function missing(value)
  if value == nil then
    return true
  end
  return false
end

if missing(rcall('HGET', KEYS[1], 'state')) then
  return 1
end
if missing(rcall('GET', KEYS[2])) then
  return 2
end
if missing(rcall('LPOP', KEYS[3])) then
  return 3
end
return 0
