--! keys: queue(prefix), stats
--! args: action, job_id, payload, now:i64
-- A job queue's "settle" script. What it touches depends on `action`: when a job
-- is moved, its key is built from the queue prefix under the same test that later
-- decides whether that key is used; otherwise the local holds the job id, which is
-- never used as a key. Every later use sits under a test of the same condition:
-- a repeated `if`, an `else` of another test, an early-return guard, an `elseif`
-- chain, `not` of a flag and `and` of two tests.
local rcall = redis.call
local prefix = KEYS[1]
local stats_key = KEYS[2]
local action = ARGV[1]
local job_id = ARGV[2]
local payload = ARGV[3]
local now = ARGV[4]

local function counter(name)
  return prefix .. 'count:' .. name
end

local function bump(key, by)
  return rcall('INCRBY', key, by)
end

-- the job's key when it moves; its id otherwise
local target = job_id
local archive = false
local keep = action == 'keep'
if action == 'move' then
  target = prefix .. 'job:' .. job_id
  archive = prefix .. 'archive'
elseif action == 'drop' then
  target = prefix .. 'dropped:' .. job_id
end

rcall('HINCRBY', stats_key, 'settled', 1)
bump(counter('settled'), 1)

-- the same test again
if action == 'move' then
  rcall('HSET', target, 'payload', payload, 'movedAt', now)
  rcall('ZADD', archive, now, job_id)
end

-- under the else of another test, as a nested `if`
if action == 'peek' then
  return rcall('HGET', stats_key, 'settled')
else
  if action == 'move' then
    rcall('PEXPIRE', target, 60000)
  elseif action == 'drop' then
    rcall('DEL', target)
  end
end

-- a flag tested with `not`: the branch it guards runs only where it is unset
local reason = 'kept'
local log_key = job_id
if not keep then
  log_key = prefix .. 'log'
  reason = 'settled'
end
if not keep and action == 'move' then
  rcall('LPUSH', log_key, job_id .. ':' .. reason)
end

-- an early return: past it, the job moved
if action ~= 'move' then
  return bump(counter(action), 1)
end
rcall('SADD', archive, target)
return rcall('HLEN', target)
