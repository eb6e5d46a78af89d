--! keys: members, seen, stats(prefix), job(prefix), queue
--! args: member, ttl:i64, limit:i64, payload
-- The same checks written against the types Redis really replies: counts compared
-- with numbers, status replies read through `.ok`, arrays through their elements
-- and `#`, error replies tested with `type`, null replies with `not` and `or`.
local rcall = redis.call
local prefix = KEYS[3] .. ':'

local function is_member(key, member)
  return rcall('SISMEMBER', key, member) == 1
end

local function touch(key, ttl)
  local reply = redis.pcall('EXPIRE', key, ttl)
  if type(reply) == 'table' and reply.err then
    return false
  end
  return reply == 1
end

if not is_member(KEYS[1], ARGV[1]) then
  return redis.error_reply('NOT_MEMBER')
end
if rcall('EXISTS', KEYS[2]) == 1 then
  return 0
end
if not touch(KEYS[2], ARGV[2]) then
  return redis.error_reply('EXPIRE_FAILED')
end

local hits = rcall('INCR', prefix .. 'hits')
if hits == 1 then
  rcall('EXPIRE', prefix .. 'hits', ARGV[2])
end
local label = 'hits: ' .. hits .. ' of ' .. string.len(hits)
if hits > tonumber(ARGV[3]) then
  return -1
end

-- a status reply read through its text; `SET ... NX` is `false` when it set nothing
if rcall('TYPE', KEYS[5]).ok ~= 'list' then
  return redis.error_reply('WRONGTYPE queue')
end
local job_key = KEYS[4] .. ':' .. ARGV[1]
if not rcall('SET', job_key, ARGV[4], 'NX') then
  return 0
end
rcall('RPUSH', KEYS[5], 'saved: ' .. rcall('SET', job_key, ARGV[4]).ok)

-- arrays: their length, their elements, joined
local waiting = rcall('LRANGE', KEYS[5], 0, -1)
if #waiting == 0 then
  return 0
end
local first = waiting[1]
local listed = table.concat(waiting, ',')

-- null replies: tested with `not`, compared with `false`, given a default
local owner = rcall('GET', job_key .. ':owner')
if not owner then
  owner = 'nobody'
end
local previous = rcall('GET', job_key .. ':previous')
if previous == false then
  previous = ''
end
local attempts = tonumber(rcall('GET', job_key .. ':attempts') or 0)

return {first, listed, owner, previous, attempts + 1, label}
