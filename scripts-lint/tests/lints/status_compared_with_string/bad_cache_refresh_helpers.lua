--! keys: cache(prefix), index
--! args: entry_id, body, ttl_ms:integer, keep:integer
-- A cache refresh that compares status replies with strings, through an alias, in
-- helpers and in conditions. A reply that is a status and nothing else gets the fix
-- `.ok` (its text); `SET ... NX` may also be `false`, where testing the reply
-- itself may be what was meant, so that one keeps its help text.
local rcall = redis.call
local prefix = KEYS[1]
local id = ARGV[1]
local ttl = tonumber(ARGV[3])
local keep = tonumber(ARGV[4])

local function key(name)
  return prefix .. name
end

local function store(name, body)
  local reply = rcall('SET', key(name), body, 'PX', ttl)
  return reply == 'OK'
end

local function claim(name)
  return rcall('SET', key(name), id, 'NX', 'PX', ttl) == 'OK'
end

local function trimmed(list)
  return rcall('LTRIM', list, 0, keep - 1) ~= 'OK'
end

if not claim('refresh:' .. id) then
  return 0
end

local stored = store('entry:' .. id, ARGV[2])
if not stored then
  return redis.error_reply('could not store the entry')
end

rcall('LPUSH', KEYS[2], id)
if trimmed(KEYS[2]) then
  rcall('DEL', key('refresh:') .. id)
  return redis.error_reply('could not trim the index')
end

local renamed = rcall('RENAME', key('entry:') .. id, key('live:') .. id)
if renamed == 'OK' and rcall('PEXPIRE', key('live:') .. id, ttl) == 1 then
  rcall('DEL', key('refresh:') .. id)
end

local pong = rcall('PING')
if 'PONG' ~= pong then
  return redis.error_reply('server did not answer')
end

local size = rcall('LLEN', KEYS[2])
return size
