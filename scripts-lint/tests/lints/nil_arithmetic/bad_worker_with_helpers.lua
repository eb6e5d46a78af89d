--! keys: queue(prefix), worker
--! args: worker_id, lease_ms:i64, max_attempts:i32
-- A worker script in the style of real queues, with the reply mistakes that reach
-- production hidden behind helpers: every one of them is reported where it happens.
local rcall = redis.call

local function key(name)
  return KEYS[1] .. name
end

local function attempts_of(job)
  -- nil when the job hash has no `attempts` field yet
  return tonumber(rcall('HGET', job, 'attempts'))
end

local function owner_of(job)
  local fields = rcall('HGETALL', job)
  return fields.owner
end

local function claim(job, worker)
  local claimed = rcall('SET', job .. ':lock', worker, 'NX', 'PX', ARGV[2])
  return claimed == 'OK'
end

local id = rcall('LPOP', key('wait'))
if id == nil then
  return nil
end

local job = key('job:' .. id)
if not claim(job, ARGV[1]) then
  redis.error_reply('ERR job already claimed')
end

local attempts = attempts_of(job) + 1
if attempts > tonumber(ARGV[3]) then
  rcall('ZADD', key('failed'), attempts, id)
  return {id = id, failed = true}
end

if owner_of(job) then
  return redis.error_reply('ERR job has an owner')
end

local deadline = rcall('TIME')[1] + ARGV[2] / 1000
rcall('ZADD', key('active'), deadline, id)
rcall('HSET', job, 'attempts', attempts, 'worker', ARGV[1])
rcall('PEXPIRE', job, tonumber(ARGV[2]) * 1.5)
rcall('SADD', KEYS[2], unpack(rcall('SMEMBERS', key('tags:' .. id))))
return {id, attempts}
