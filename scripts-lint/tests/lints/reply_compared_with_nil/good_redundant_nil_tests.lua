--! keys: anchor(prefix)
--! args: job_id, now_ms
-- A job queue whose helpers test for `nil` next to the test that handles the null
-- reply (`v == false or v == nil`), on values given a default (`HGET ... or ''`) and
-- on replies that are never null (`DECR`, `HINCRBY`): the `nil` tests are redundant,
-- never a missed missing key, so none of them may be reported.
local rcall = redis.call
local base = KEYS[1]
local job_id = ARGV[1]
local now_ms = ARGV[2]

local k_job = base .. ':job:' .. job_id
local k_stats = base .. ':stats'
local k_active = base .. ':active'

local function to_i(v)
  if v == false or v == nil or v == '' then
    return 0
  end
  local n = tonumber(v)
  if n == nil then
    return 0
  end
  return math.floor(n)
end

local function dec_floor0(key)
  local v = to_i(rcall('DECR', key))
  if v < 0 then
    rcall('SET', key, '0')
    return 0
  end
  return v
end

local function bump(field, delta)
  local v = rcall('HINCRBY', k_stats, field, delta)
  if v == nil then
    return 0
  end
  return v
end

local state = rcall('HGET', k_job, 'state')
if not state then
  return {'ERR', 'NO_JOB'}
end

local gid = rcall('HGET', k_job, 'gid') or ''
if state == 'active' and (gid == nil or gid == '') then
  rcall('ZREM', k_active, job_id)
end

local attempts = to_i(rcall('HGET', k_job, 'attempt'))
local limit = to_i(rcall('GET', base .. ':limit'))
if gid ~= '' then
  dec_floor0(base .. ':g:' .. gid .. ':inflight')
end
if limit > 0 and attempts >= limit then
  bump('failed', 1)
  rcall('HSET', k_job, 'state', 'failed', 'updated_ms', now_ms)
  return {'FAILED', attempts}
end
bump('retried', 1)
-- `SET` without NX, XX or GET always replies `OK`: the test is redundant
if rcall('SET', base .. ':lease:' .. job_id, now_ms, 'PX', 30000) ~= nil then
  rcall('SADD', base .. ':leased', job_id)
end
rcall('HSET', k_job, 'state', 'wait', 'updated_ms', now_ms)
return {'OK', attempts}
