--! keys: job(prefix), limits
--! args: id, delta:i64, ttl:i64
-- Shapes from job queues and locks that must stay clean: a helper that converts
-- any reply (a count here, a string there) and checks for `''`, counts compared in
-- `or`/`and` chains, and a default given to a reply that is never missing.
local rcall = redis.call
local job_key = KEYS[1] .. ARGV[1]

local function to_i(v)
  if v == false or v == '' then
    return 0
  end
  local n = tonumber(v)
  if n == nil then
    return 0
  end
  return math.floor(n)
end

local function bump(key, field)
  return to_i(rcall('HINCRBY', key, field, ARGV[2]))
end

local attempts = bump(job_key, 'attempts')
local limit = to_i(rcall('HGET', KEYS[2], 'max_attempts'))
local inflight = to_i(rcall('DECR', job_key .. ':inflight'))

-- counts compared inside `or`/`and` chains
local current = rcall('INCR', job_key .. ':hits')
if current == 1 or (limit > 0 and current > limit) then
  rcall('PEXPIRE', job_key .. ':hits', ARGV[3])
end
local ttl = rcall('PTTL', job_key)
if ttl == -1 or ttl == 0 then
  rcall('DEL', job_key .. ':debounce')
end
repeat
  inflight = inflight + 1
until rcall('EXISTS', job_key .. ':' .. inflight) == 0 or inflight > 10

-- a default for a reply that is never missing: harmless
local expiration = rcall('PTTL', job_key)
if not expiration then
  expiration = 0
end
if expiration < 0 then
  return 0
end
return {attempts, limit, inflight, expiration}
