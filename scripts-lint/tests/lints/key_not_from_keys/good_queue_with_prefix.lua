--! keys: queue(prefix), events
--! args: job_id, payload, lifo, max_attempts:i64, now:i64, group
-- A BullMQ-style "add job" script. Every key but the event stream is built by
-- appending to the hash-tagged queue prefix the caller passes (`bull:{orders}:`),
-- through helpers, several return values, guards and early returns.
local rcall = redis.call
local unpack_ = table.unpack or unpack

local function key(name)
  return KEYS[1] .. name
end

local function job_key(id)
  return string.format('%s%s', KEYS[1], id)
end

local function keys_for(id)
  return key('wait'), key('active'), job_key(id)
end

local function forward(k)
  return k
end

local function exists(k)
  return rcall('EXISTS', k) == 1
end

local function emit(event, id)
  rcall('XADD', KEYS[2], 'MAXLEN', '~', 10000, '*', 'event', event, 'jobId', id)
end

local function push(list, id)
  local command = ARGV[3] == '1' and 'RPUSH' or 'LPUSH'
  rcall(command, list, id)
end

-- Never called from this script (kept for the sibling scripts that include it): its
-- parameters are whatever a caller passes, so nothing here is reported.
local function remove_from(list, id)
  rcall('LREM', list, 0, id)
  return rcall('LLEN', list)
end

local id = ARGV[1]
if id == '' then
  id = tostring(rcall('INCR', key('id')))
end

local wait, active, job = keys_for(id)
if exists(job) then
  emit('duplicated', id)
  return id
end

local attempts = tonumber(ARGV[4]) or 1
if attempts > 25 then
  return redis.error_reply('ERR too many attempts')
end
-- ARGV itself: Redis parses the integers exactly
rcall('HSET', forward(forward(job)), 'data', ARGV[2], 'attempts', ARGV[4], 'timestamp', ARGV[5])

local target = wait
if rcall('HEXISTS', key('meta'), 'paused') == 1 then
  target = key('paused')
end
push(target, id)
rcall('LREM', active, 0, id)

local group = ARGV[6] ~= '' and ARGV[6]
local group_key = group and key('groups:' .. group)
if group_key then
  rcall('SADD', group_key, id)
end

local stale = rcall('LRANGE', key('stale'), 0, 9)
if #stale > 0 then
  rcall('HDEL', key('stale-index'), unpack_(stale))
end

emit('added', id)
return id
