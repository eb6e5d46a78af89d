#!lua name=tasks
--! function run_task: keys: queue(prefix)  args: task, id, now:integer  returns: integer
--! function cancel: keys: queue(prefix)  args: id  returns: integer
--! function stats: keys: queue(prefix)  returns: (integer, integer)

-- A task library whose dispatcher answers an unknown task name with the very text
-- the server gives `FCALL` of an unregistered function: the runtime takes that reply
-- for "nothing ran", loads the library and calls the function again.
local function rcall(...)
  return redis.call(...)
end

local function key(prefix, part, id)
  if id then
    return prefix .. part .. ':' .. id
  end
  return prefix .. part
end

local function fail(text)
  return {err = text}
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

local function run_task(keys, args)
  local prefix = keys[1]
  local handler = handlers[args[1]]
  rcall('INCR', key(prefix, 'dispatched'))
  if not handler then
    -- the counter above is already written: sent again, it counts twice
    return redis.error_reply('ERR Function not found')
  end
  if rcall('EXISTS', key(prefix, 'task', args[2])) == 0 then
    return fail('ERR Function not found')
  end
  if rcall('HGET', key(prefix, 'task', args[2]), 'state') == 'cancelled' then
    -- not the server's exact text: safe
    return redis.error_reply('ERR Function not found for a cancelled task')
  end
  return handler(prefix, args[2], tonumber(args[3]))
end

local function cancel(keys, args)
  local prefix = keys[1]
  if rcall('ZREM', key(prefix, 'running'), args[1]) == 0 then
    return {err = 'ERR Function not found' .. ''}
  end
  rcall('DEL', key(prefix, 'task', args[1]))
  return 1
end

redis.register_function('run_task', run_task)
redis.register_function('cancel', cancel)
redis.register_function{
  function_name = 'stats',
  flags = {'no-writes'},
  callback = function(keys)
    return {tonumber(rcall('GET', keys[1] .. 'dispatched') or '0'), rcall('ZCARD', keys[1] .. 'running')}
  end,
}
