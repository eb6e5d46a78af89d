--! keys: lock, job(prefix)
--! args: id
-- A reply kept in a field of a local table is what the reply is: a null reply is
-- `false` there too, never `nil`, whether the field is set by assignment, in the
-- constructor, at a position, or read back in a helper.
local rcall = redis.call
local job_key = KEYS[2] .. ARGV[1]

local function load_job(key)
  local job = {}
  job.state = rcall('HGET', key, 'state')
  job.owner = rcall('HGET', key, 'owner')
  return job
end

local function is_unclaimed(job)
  return job.owner == nil
end

-- cell: a field set by assignment, `== nil`
local lock = {}
lock.holder = rcall('GET', KEYS[1])
if lock.holder == nil then
  return redis.error_reply('NOT_LOCKED')
end

-- cell: a field set in the constructor, `~= nil`
local entry = { token = rcall('HGET', job_key, 'token') }
if entry.token ~= nil then
  return entry.token
end

-- cell: a field at a position, `== nil`
local pair = { rcall('LINDEX', job_key .. ':log', 0) }
if pair[1] == nil then
  return 0
end

-- cell: a field of a table a helper returned, `== nil`
local job = load_job(job_key)
if job.state == nil then
  return redis.error_reply('NO_STATE')
end

-- cell: a field read in a helper the table is passed to, `== nil`
if is_unclaimed(job) then
  return 1
end
return 2
