--! keys: bucket, audit
--! args: capacity:i64, refill_per_second, now:f64, cost:i32, tags..
--! returns: integer
-- A token bucket with an audit trail, written with what Lua 5.1 compiles and other
-- checkers stumble on: hexadecimal floats (Lua reads `0x1p20` through C's strtod),
-- the `arg` table of a vararg function, `break` deep inside the branches of a loop,
-- calls whose arguments continue on the next lines, a statement that starts with
-- `(` after a `;`, and a function with many locals and upvalues (within Lua's 200
-- and 60).
local rcall = redis.call
local MAX_WINDOW_MS = 0x1p20
local MAX_TOKENS = 0X1P30

local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
if not capacity or not refill or not now or not cost then
  return redis.error_reply('ERR capacity, refill, now and cost must be numbers')
end
if capacity > MAX_TOKENS then
  capacity = MAX_TOKENS
end

-- the extra arguments of a vararg function, as Lua 5.1 keeps them for old code
local function audit(...)
  local parts = {}
  for i = 1, arg.n do
    parts[#parts + 1] = tostring(arg[i])
  end
  rcall('RPUSH', KEYS[2], table.concat(parts, ' '))
end

local function count(...)
  return select('#', ...)
end

local state = rcall('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
local elapsed = math.min(now - updated, MAX_WINDOW_MS)
tokens = math.min(capacity, tokens + elapsed * refill / 1000)

local allowed = tokens >= cost
if allowed then
  tokens = tokens - cost
end

-- the first tag that names a rule wins; `break` leaves the loop from inside branches
local rule = 'default'
for i = 5, #ARGV do
  local tag = ARGV[i]
  if tag ~= '' then
    if string.sub(tag, 1, 5) == 'rule:' then
      rule = string.sub(tag, 6)
      break
    elseif tag == 'strict' then
      rule = 'strict'
      break
    end
  end
end

rcall('HSET', KEYS[1],
  'tokens', tokens,
  'updated', now)
rcall('PEXPIRE', KEYS[1], math.ceil(capacity / refill * 1000) + 1000);
(allowed and audit or count)('take', cost, rule, count(ARGV[5], ARGV[6]))

return allowed and 1 or 0
