--! keys: wait, active, events, meta
--! args: prefix(prefix), token, lock_ms:integer, now:integer, limit:integer
-- A BullMQ-style "move to active" script: the queue's lists are declared keys, every
-- key of a job is built from the queue prefix the caller passes as an argument
-- (`bull:{orders}:`), through locals, helpers, `string.format`, `table.concat`,
-- guards and early returns.
local rcall = redis.call
local waitKey, activeKey, eventsKey, metaKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local prefix = ARGV[1]

local function jobKey(id)
  return prefix .. id
end

local function lockKey(id)
  return string.format('%s%s:lock', prefix, id)
end

local function logsKey(id)
  return table.concat({prefix, id, 'logs'}, ':')
end

local function emit(event, id)
  rcall('XADD', eventsKey, 'MAXLEN', '~', 10000, '*', 'event', event, 'jobId', id)
end

local function isPaused()
  return rcall('HEXISTS', metaKey, 'paused') == 1
end

if isPaused() then
  return {0, 0}
end

-- the rate limiter lives under the prefix too
local limiter = prefix .. 'limiter'
local count = tonumber(rcall('GET', limiter) or '0')
if count >= tonumber(ARGV[5]) then
  return {0, rcall('PTTL', limiter)}
end

local jobId = rcall('RPOPLPUSH', waitKey, activeKey)
if not jobId then
  return {0, 0}
end

local key = jobKey(jobId)
rcall('SET', lockKey(jobId), ARGV[2], 'PX', tonumber(ARGV[3]))
rcall('HSET', key, 'processedOn', ARGV[4])
rcall('HINCRBY', key, 'attemptsStarted', 1)
rcall('RPUSH', logsKey(jobId), 'started')
rcall('INCR', limiter)

-- the prefix itself names a key: the queue's own counter
rcall('INCR', prefix)

local parent = rcall('HGET', key, 'parentKey')
if parent then
  emit('child-active', jobId)
end
emit('active', jobId)
return {1, jobId}
