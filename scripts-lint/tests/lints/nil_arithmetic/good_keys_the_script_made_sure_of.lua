--! keys: queue(prefix), counter
--! args: job_id, token, ttl_ms:integer, step:integer
-- A deduplicating enqueue in the style of real queues: a key set with `SET ... NX`
-- exists afterwards whatever `SET` replied (it was there, or it is now), and so does
-- a counter after `INCRBY`. Time stands still while a script runs, so the `PX`
-- expiry cannot remove the key before the `GET`. None of the replies below can be
-- missing, so nothing is reported.
local function rcall(...)
  return redis.call(...)
end

local function key(part, id)
  return KEYS[1] .. part .. ':' .. id
end

local function claim(dedup, token, ttl)
  -- the reply is not needed: the key is set either way
  local fresh = rcall('SET', dedup, token, 'PX', ttl, 'NX')
  local owner = rcall('GET', dedup)
  return fresh, owner
end

local function publish(channel, owner)
  rcall('PUBLISH', channel, 'deduplicated by ' .. owner)
end

local dedup = key('dedup', ARGV[1])
local fresh, owner = claim(dedup, ARGV[2], tonumber(ARGV[3]))
if not fresh then
  publish(KEYS[1] .. 'events', owner)
  return 0
end

-- the same key written inline, once per branch: known on both paths
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[1] .. 'last', ARGV[1], 'PX', ARGV[3], 'NX')
else
  redis.call('SET', KEYS[1] .. 'last', ARGV[1], 'NX')
end
local last = redis.call('GET', KEYS[1] .. 'last')
redis.call('HSET', key('job', ARGV[1]), 'previous', last)

-- a counter after `INCRBY`, read back for arithmetic
redis.call('INCRBY', KEYS[2], ARGV[4])
local total = tonumber(redis.call('GET', KEYS[2])) + 1
redis.call('HSET', key('job', ARGV[1]), 'position', total)

-- reads of other keys do not forget it, nor does a write to another key or a
-- message
redis.call('HGET', key('job', ARGV[1]), 'state')
redis.call('PUBLISH', KEYS[1] .. 'events', 'queued')
redis.call('RPUSH', KEYS[1] .. 'waiting', ARGV[1])
local again = tonumber(redis.call('GET', KEYS[2])) * 2
return again
