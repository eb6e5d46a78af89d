--! keys: queue(prefix)
--! args: job_id, worker, now:integer, max_attempts:integer
-- Retries a failed job, with codes of the application kept in locals and passed
-- through an alias of `redis.error_reply` and a helper on a table: none is a code
-- the server replies with, and a code computed at run time is not known.
local rcall = redis.call
local reply_error = redis.error_reply
local prefix = KEYS[1]
local job_id = ARGV[1]
local worker = ARGV[2]
local now = tonumber(ARGV[3])
local max_attempts = tonumber(ARGV[4])

local LOCKED = 'JOB_LOCKED'

local errors = {}

function errors.reply(code, detail)
  return reply_error(code .. ' ' .. detail)
end

local function key(part, id)
  if id then
    return prefix .. part .. ':' .. id
  end
  return prefix .. part
end

local function attempts_of(id)
  return tonumber(rcall('HGET', key('job', id), 'attempts') or '0')
end

local owner = rcall('HGET', key('job', job_id), 'worker')
if owner and owner ~= worker then
  return reply_error(LOCKED .. ' job held by ' .. owner)
end

if rcall('EXISTS', key('job', job_id)) == 0 then
  return errors.reply('JOB_MISSING', 'no such job')
end

local attempts = attempts_of(job_id)
if attempts >= max_attempts then
  rcall('ZADD', key('failed'), now, job_id)
  -- a single word is sent as `ERR BUSY`: not the server's `BUSY`
  return reply_error('BUSY')
end

rcall('HINCRBY', key('job', job_id), 'attempts', 1)
rcall('HSET', key('job', job_id), 'worker', worker, 'retried', now)
rcall('LREM', key('active'), 0, job_id)
rcall('RPUSH', key('wait'), job_id)
return attempts + 1
