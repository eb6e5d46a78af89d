--! kyes: queue(prefix), events
--! args: job_id, worker, lease_ms:integr, attempts:integer
--! returns: intger
--! allow: unseded_random
--! warn: nondeterministic_comand unused_arg
-- A worker's claim script whose header has misspellings: a directive, a parameter
-- type, a return type and a lint name, each one edit from a single word the header
-- knows, are fixed; two lint names without a comma between them have two readings
-- (a missing comma, or a name with a space) and keep their help.
local rcall = redis.call
local prefix = KEYS[1]
local job = ARGV[1]
local worker = ARGV[2]
local lease = tonumber(ARGV[3])
local attempts = tonumber(ARGV[4])

local function key(name)
  return prefix .. name
end

local function emit(event)
  rcall('XADD', KEYS[2], '*', 'event', event, 'job', job, 'worker', worker)
end

local function owner()
  return rcall('HGET', key('job:') .. job, 'owner')
end

local current = owner()
if current and current ~= worker then
  return 0
end

local tries = rcall('HINCRBY', key('job:') .. job, 'tries', 1)
if tries > attempts then
  rcall('LREM', key('active'), 0, job)
  rcall('ZADD', key('failed'), 0, job)
  emit('failed')
  return -1
end

rcall('HSET', key('job:') .. job, 'owner', worker)
rcall('PEXPIRE', key('job:') .. job, lease)
rcall('LREM', key('wait'), 1, job)
rcall('LPUSH', key('active'), job)

local backoff = math.random(10, 100)
rcall('HSET', key('job:') .. job, 'backoff', backoff)
emit('claimed')
return tries
