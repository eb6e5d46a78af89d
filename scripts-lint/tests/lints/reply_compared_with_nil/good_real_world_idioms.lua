--! keys: bucket(prefix), lock, stats
--! args: token, cost:i32, window_ms:i64, now_ms:i64
-- A token-bucket rate limiter with a lock and statistics, written with every idiom
-- that handles Redis replies correctly; none of them may be reported.
local rcall = redis.call

local function key(name)
  return KEYS[1] .. name
end

local function read_number(k, field)
  return tonumber(rcall('HGET', k, field) or '0')
end

local function try_lock(k, token, ttl)
  local res = rcall('SET', k, token, 'NX', 'PX', ttl)
  if res and res.ok == 'OK' then
    return true
  end
  return false
end

local function owner(k)
  local current = rcall('GET', k)
  if not current then
    return nil
  end
  if current == false then
    return nil
  end
  return current
end

if not try_lock(KEYS[2], ARGV[1], ARGV[3]) and owner(KEYS[2]) ~= ARGV[1] then
  return redis.error_reply('LOCKED another caller holds the bucket')
end

local tokens = read_number(key('state'), 'tokens')
local last = read_number(key('state'), 'last')
local now = tonumber(ARGV[4])
local window = tonumber(ARGV[3])
local refill = math.floor((now - last) / 1000)
tokens = math.min(tokens + refill, 100)

local cost = tonumber(ARGV[2])
local allowed = tokens >= cost
if allowed then
  tokens = tokens - cost
end
rcall('HSET', key('state'), 'tokens', tokens, 'last', ARGV[4])
rcall('PEXPIRE', key('state'), math.floor(window / 2))

-- statistics: a hash walked in pairs, and a reply checked for an error
local stats = rcall('HGETALL', KEYS[3])
local seen = {}
for i = 1, #stats, 2 do
  seen[stats[i]] = tonumber(stats[i + 1])
end
local res = redis.pcall('HINCRBY', KEYS[3], 'calls', 1)
if type(res) == 'table' and res.err then
  return redis.error_reply('STATS ' .. res.err)
end

local recent = rcall('LRANGE', key('recent'), 0, 9)
if #recent > 0 then
  rcall('DEL', key('recent-copy'))
  rcall('RPUSH', key('recent-copy'), unpack(recent))
end

rcall('DEL', KEYS[2])
return cjson.encode({allowed = allowed, tokens = tokens, calls = seen.calls or 0})
