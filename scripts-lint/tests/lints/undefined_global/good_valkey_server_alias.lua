#!lua name=sessions
--! min_version: valkey-8.0
--! function touch: keys: sessions(prefix)  args: id, ttl_ms:integer, now_ms:integer  returns: integer
--! function expire_idle: keys: sessions(prefix)  args: now_ms:integer, limit:integer  returns: integer
--! function count: keys: sessions(prefix)  returns: integer

-- Sessions for Valkey 8: written with `server`, Valkey's name for `redis`, both
-- in the functions and while the library loads.
local function scall(...)
  return server.call(...)
end

local function session_key(prefix, id)
  return prefix .. 'session:' .. id
end

local function index_key(prefix)
  return prefix .. 'idle'
end

local function touch(keys, args)
  local prefix, id = keys[1], args[1]
  local ttl = tonumber(args[2])
  local now = tonumber(args[3])
  if not ttl or ttl <= 0 then
    return server.error_reply('ERR ttl must be positive')
  end
  scall('HSET', session_key(prefix, id), 'seen', now)
  scall('PEXPIRE', session_key(prefix, id), ttl)
  scall('ZADD', index_key(prefix), now + ttl, id)
  return 1
end

local function expire_idle(keys, args)
  local prefix = keys[1]
  local now = tonumber(args[1])
  local limit = tonumber(args[2]) or 100
  local idle = scall('ZRANGEBYSCORE', index_key(prefix), '-inf', now, 'LIMIT', 0, limit)
  if #idle == 0 then
    return 0
  end
  for _, id in ipairs(idle) do
    scall('DEL', session_key(prefix, id))
    scall('ZREM', index_key(prefix), id)
  end
  server.log(server.LOG_VERBOSE, 'expired ' .. #idle .. ' sessions')
  return #idle
end

local function count(keys)
  local ok, n = pcall(server.call, 'ZCARD', index_key(keys[1]))
  if not ok then
    return 0
  end
  return n
end

server.register_function('touch', touch)
server.register_function('expire_idle', expire_idle)
server.register_function{function_name = 'count', callback = count, flags = {'no-writes'}}
