--! keys: wait, active, events
--! args: prefix, token, lock_ms:integer
-- The same idioms as good_argument_prefix.lua, with `prefix` not declared a prefix:
-- every key built from it is reported, with the declaration that makes it legal. A
-- key passed whole in `ARGV`, or built with something before the argument, stays an
-- error whatever is declared.
local rcall = redis.call
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
  rcall('XADD', KEYS[3], '*', 'event', event, 'jobId', id)
end

local jobId = rcall('RPOPLPUSH', KEYS[1], KEYS[2])
if not jobId then
  return nil
end

local key = jobKey(jobId)
rcall('SET', lockKey(jobId), ARGV[2], 'PX', tonumber(ARGV[3]))
rcall('HINCRBY', key, 'attemptsStarted', 1)
rcall('RPUSH', logsKey(jobId), 'started')

-- the token names no key: passed whole, or with the prefix in front of it
rcall('DEL', ARGV[2])
rcall('DEL', 'lock:' .. prefix .. jobId)
-- the separator first: not an append to the prefix
rcall('DEL', table.concat({'x', prefix, jobId}, ':'))

-- a key read back from the job's hash is not declared either
local parent = rcall('HGET', key, 'parentKey')
if parent then
  rcall('HINCRBY', parent, 'children', -1)
end

emit('active', jobId)
return jobId
