--! keys: queue(prefix)
--! args: task, id, now:integer
--! returns: integer

-- An `EVAL` script may answer with the text `FCALL` gets for an unregistered
-- function: nothing retries a script on it. In a library, other words are safe.
local rcall = redis.call

local function key(prefix, part, id)
  if id then
    return prefix .. part .. ':' .. id
  end
  return prefix .. part
end

local function start(prefix, id, now)
  rcall('HSET', key(prefix, 'task', id), 'state', 'running', 'started', now)
  rcall('ZADD', key(prefix, 'running'), now, id)
  return 1
end

local function retry(prefix, id, now)
  rcall('HINCRBY', key(prefix, 'task', id), 'attempts', 1)
  return start(prefix, id, now)
end

local handlers = {start = start, retry = retry}
local prefix = KEYS[1]
local handler = handlers[ARGV[1]]
if not handler then
  return redis.error_reply('ERR Function not found')
end
if rcall('EXISTS', key(prefix, 'task', ARGV[2])) == 0 then
  return redis.error_reply('ERR function not found: no such task')
end
if rcall('ZSCORE', key(prefix, 'running'), ARGV[2]) then
  return redis.error_reply('TASK_RUNNING task already running')
end
if rcall('HGET', key(prefix, 'task', ARGV[2]), 'state') == 'cancelled' then
  return {err = 'ERR Function not found for a cancelled task'}
end
local result = handler(prefix, ARGV[2], tonumber(ARGV[3]))
rcall('INCR', key(prefix, 'dispatched'))
return result
