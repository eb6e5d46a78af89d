--! keys: queue(prefix), stats
--! args: job_id, worker, lease_ms:i64
-- A job queue's claim step, written by someone who expected `nil` for a missing key.
-- Every `== nil` / `~= nil` below is about a reply, so each has a fix: `not x` for
-- `== nil` anywhere, the reply itself for `~= nil` where only its truth counts, and
-- `~= false` where the comparison is a value the script keeps.
local rcall = redis.call
local prefix = KEYS[1]

local function key(name)
  return prefix .. name
end

local function owner_of(job)
  return rcall('HGET', key('owners'), job)
end

-- a helper whose comparison is evaluated with each caller's reply
local function is_missing(value)
  return value == nil
end

local function lease_left(job)
  local ttl = rcall('PTTL', key('lease:') .. job)
  return ttl
end

-- used with a reply and with `tonumber`, which may really be `nil`: `not v` suits
-- the reply but would be the right test for the other caller only by luck, so this
-- one is left for a person
local function unset(v)
  return v == nil
end

local job = ARGV[1]
local worker = ARGV[2]

if unset(tonumber(ARGV[3])) then
  return redis.error_reply('lease_ms must be a number')
end
if unset(rcall('GET', key('deadline:') .. job)) then
  rcall('SET', key('deadline:') .. job, ARGV[3])
end

if is_missing(rcall('HGET', key('jobs'), job)) then
  return redis.error_reply('no such job')
end

local current = owner_of(job)
if current ~= nil and current ~= worker then
  -- kept as a value: still a boolean after the fix
  local stolen = current ~= nil
  rcall('HSET', KEYS[2], 'last_steal', tostring(stolen))
  return 0
end

if not (rcall('GET', key('paused')) == nil) then
  return -1
end

local claimed = rcall('HGET', key('claims'), job)
while claimed == nil do
  rcall('HSET', key('claims'), job, worker)
  claimed = rcall('HGET', key('claims'), job)
end

repeat
  local next_id = rcall('LINDEX', key('wait'), 0)
until nil == next_id or lease_left(job) > 0

local lease = rcall('GET', key('lease:') .. job)
if lease == nil or (rcall('EXISTS', key('lock')) == 1 and lease ~= nil) then
  rcall('SET', key('lease:') .. job, worker, 'PX', ARGV[3])
end

local seen = rcall('HINCRBY', KEYS[2], 'claims', 1)
return seen
