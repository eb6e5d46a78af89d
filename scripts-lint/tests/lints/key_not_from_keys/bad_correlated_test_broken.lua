--! keys: queue(prefix), stats
--! args: action, job_id, payload, mode, next_mode
-- A job queue's "settle" script that builds a key under one test and uses it under
-- another that only looks the same: a different literal, a tested local assigned
-- between the two tests, the key's local assigned again in between. Each use may
-- reach the job id, which is no key.
local rcall = redis.call
local prefix = KEYS[1]
local stats_key = KEYS[2]
local action = ARGV[1]
local job_id = ARGV[2]
local payload = ARGV[3]
local mode = ARGV[4]

local function counter(name)
  return prefix .. 'count:' .. name
end

local function bump(key, by)
  return rcall('INCRBY', key, by)
end

if not job_id or job_id == '' then
  return redis.error_reply('ERR missing job id')
end

-- the job's key when it moves; its id otherwise
local target = job_id
if action == 'move' then
  target = prefix .. 'job:' .. job_id
end
rcall('HINCRBY', stats_key, 'settled', 1)

-- a different literal: `retry` never built the key
if action == 'retry' then
  rcall('HSET', target, 'payload', payload)
end

-- the tested local changes between the two tests
local step = mode
local step_key = job_id
if step == 'archive' then
  step_key = prefix .. 'archive'
end
step = ARGV[5]
if step == 'archive' then
  rcall('SADD', step_key, job_id)
end

-- the key's local is assigned again after the first test
local lock = job_id
if mode == 'locked' then
  lock = prefix .. 'lock:' .. job_id
end
if payload == '' then
  lock = payload
end
if mode == 'locked' then
  rcall('DEL', lock)
end

bump(counter('settled'), 1)
return rcall('HGET', stats_key, 'settled')
