#!lua name=jobs
--! function enqueue: keys: queue(prefix)  args: id, payload, now:integer  returns: integer
--! function claim: keys: queue(prefix)  args: worker, now:integer, lease_ms:integer  returns: Option<String>
--! function complete: keys: queue(prefix)  args: id, worker  returns: integer
--! function reap: keys: queue(prefix)  args: now:integer, limit:integer  returns: integer
--! function depth: keys: queue(prefix)  returns: (integer, integer)

-- A job queue as a function library: every key is built from the hash-tagged
-- prefix the caller passes (`jobs:{mail}:`), so one slot holds the whole queue.
-- `redis.call` does not exist while the library loads: no top-level alias of it.
local function rcall(...)
  return redis.call(...)
end

local function key(prefix, part, id)
  if id then
    return prefix .. part .. ':' .. id
  end
  return prefix .. part
end

local function lease_of(prefix, id)
  local lease = rcall('HGET', key(prefix, 'job', id), 'lease')
  if not lease then
    return nil
  end
  return tonumber(lease)
end

local function requeue(prefix, id)
  rcall('HDEL', key(prefix, 'job', id), 'worker', 'lease')
  rcall('ZREM', key(prefix, 'running'), id)
  rcall('RPUSH', key(prefix, 'waiting'), id)
end

local function enqueue(keys, args)
  local prefix = keys[1]
  if rcall('EXISTS', key(prefix, 'job', args[1])) == 1 then
    return 0
  end
  rcall('HSET', key(prefix, 'job', args[1]), 'payload', args[2], 'created', args[3])
  rcall('RPUSH', key(prefix, 'waiting'), args[1])
  return 1
end

local function claim(keys, args)
  local prefix = keys[1]
  local id = rcall('LPOP', key(prefix, 'waiting'))
  if not id then
    return nil
  end
  local deadline = tonumber(args[2]) + tonumber(args[3])
  rcall('HSET', key(prefix, 'job', id), 'worker', args[1], 'lease', deadline)
  rcall('ZADD', key(prefix, 'running'), deadline, id)
  return id
end

local function complete(keys, args)
  local prefix = keys[1]
  local worker = rcall('HGET', key(prefix, 'job', args[1]), 'worker')
  if worker ~= args[2] then
    return 0
  end
  rcall('ZREM', key(prefix, 'running'), args[1])
  rcall('DEL', key(prefix, 'job', args[1]))
  return 1
end

local function reap(keys, args)
  local prefix = keys[1]
  local now = tonumber(args[1])
  local expired = rcall('ZRANGEBYSCORE', key(prefix, 'running'), '-inf', now, 'LIMIT', 0, tonumber(args[2]))
  local count = 0
  for _, id in ipairs(expired) do
    local lease = lease_of(prefix, id)
    if lease and lease <= now then
      requeue(prefix, id)
      count = count + 1
    end
  end
  return count
end

local function register(name, callback, flags)
  redis.register_function{function_name = name, callback = callback, flags = flags or {}}
end

redis.log(redis.LOG_NOTICE, 'jobs library loading on ' .. redis.REDIS_VERSION)
register('enqueue', enqueue)
register('claim', claim)
register('complete', complete)
register('reap', reap)
redis.register_function{
  function_name = 'depth',
  flags = {'no-writes', 'allow-stale'},
  description = 'waiting and running counts',
  callback = function(keys)
    return {rcall('LLEN', keys[1] .. 'waiting'), rcall('ZCARD', keys[1] .. 'running')}
  end,
}
