--! keys: bucket(prefix), log
--! args: capacity, refill_per_s, now_ms, cost, ledger_delta:i64
-- A token bucket whose numbers arrive as `ARGV` strings, used as numbers in helpers,
-- through aliases and in conditions. Each use converts the same way `tonumber` does,
-- so each gets `tonumber(...)` around it; the 64-bit `ledger_delta` does not (see
-- precision_loss: the right fix there is to keep the string).
local rcall = redis.call
local prefix = KEYS[1]

local function key(name)
  return prefix .. name
end

-- called with a string from `ARGV` and with a number: the fix suits both
local function to_ms(seconds)
  return seconds * 1000
end

-- gives two values: `tonumber` around a call of it would take the second as a base
local function window()
  return ARGV[2], ARGV[3]
end

local capacity = ARGV[1]
local now = ARGV[3]
local cost = ARGV[4]

local state = rcall('HMGET', key('state'), 'tokens', 'ts')
local tokens = tonumber(state[1]) or tonumber(capacity)
local last = tonumber(state[2]) or tonumber(now)

local elapsed = now - last
if elapsed < 0 then
  elapsed = 0
end

local refill = elapsed / to_ms(1) * ARGV[2]
local per_window = window() * 60
tokens = math.min(tonumber(capacity), tokens + refill)

if cost > capacity * 1 then
  return redis.error_reply('cost above capacity')
end

local allowed = 0
if tokens >= tonumber(cost) then
  tokens = tokens - tonumber(cost)
  allowed = 1
end

for _ = 1, ARGV[4] do
  rcall('RPUSH', KEYS[2], now)
end
rcall('LTRIM', KEYS[2], -to_ms(ARGV[1]), -1)

rcall('HSET', key('state'), 'tokens', tokens, 'ts', now)
rcall('PEXPIRE', key('state'), to_ms(60))
rcall('HINCRBY', key('ledger'), 'delta', ARGV[5] + 0)
return { allowed, math.floor(tokens), per_window }
