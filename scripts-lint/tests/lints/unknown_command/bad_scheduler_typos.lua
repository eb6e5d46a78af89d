--! keys: sched(prefix), events
--! args: job_id, worker, now_ms:integer, limit:integer
-- A delayed-job scheduler with misspelt command names: in a helper's argument, in a
-- local the call reads, in lowercase, and straight in the call. A name one edit from
-- exactly one command, with no other command within two, is fixed where the literal
-- is written; the others stay a help text: `HGETLL` is one edit from `HGETALL` but two
-- from `HGET`, `ZADDD` two from `SADD`, `hincrbyflaot` two from `INCRBYFLOAT`,
-- `ZREMRANGEBYSCOR` two from `ZREVRANGEBYSCORE`, `SISMEMBR` two from `SMISMEMBER`.
local rcall = redis.call
local prefix = KEYS[1]
local now = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])

local function key(name)
  return prefix .. name
end

-- the command name comes from each caller
local function scores(cmd, set, low, high)
  return rcall(cmd, key(set), low, high, 'LIMIT', 0, limit)
end

local function note(event, job)
  rcall('XADD', KEYS[2], '*', 'event', event, 'job', job)
end

local due = scores('ZRANGBYSCORE', 'delayed', '-inf', now)
local moved = 0
for _, job in ipairs(due) do
  local add = 'ZADDD'
  rcall(add, key('wait'), now, job)
  rcall('zrem', key('delayed'), job)
  rcall('hincrbyflaot', key('stats'), 'promoted', 1)
  note('promoted', job)
  moved = moved + 1
end
local trim = 'ZREMRANGEBYSCOR'
rcall(trim, key('done'), '-inf', now - 86400000)

local members = 'SMEMBRES'
local idle = rcall(members, key('workers'))
local stale = rcall('xautocliam', KEYS[2], 'workers', ARGV[2], 60000, '0-0', 'COUNT', #idle)

local claimed = rcall('SISMEMBR', key('workers'), ARGV[2])
if claimed == 0 then
  rcall('SADD', key('workers'), ARGV[2])
end

local job = rcall('HGETLL', key('job:') .. ARGV[1])
if #job == 0 then
  return redis.error_reply('no such job')
end

local attempts = rcall('HINCRBY', key('job:') .. ARGV[1], 'attempts', 1)
if attempts > 3 then
  note('failed', ARGV[1])
  rcall('ZADD', key('failed'), now, ARGV[1])
  return 0
end

rcall('PEXPIRE', key('job:') .. ARGV[1], 60000)
note('claimed', ARGV[1])
return moved + #stale
