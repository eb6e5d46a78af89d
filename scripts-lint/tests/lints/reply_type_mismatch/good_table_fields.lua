--! keys: queue(prefix)
--! args: id, limit
-- Counts and statuses kept in fields and used as what they are; fields whose value
-- a write replaced (through the table, a helper, an alias or an unknown key) before
-- the use.
local rcall = redis.call
local prefix = KEYS[1]
local job_key = prefix .. 'job:' .. ARGV[1]

local function normalise(counts)
  counts.active = counts.active > 0
end

local function snapshot(key)
  local s = {}
  s.waiting = rcall('LLEN', key .. 'wait')
  s.active = rcall('LLEN', key .. 'active')
  return s
end

-- counts compared with numbers
local stats = snapshot(prefix)
if stats.waiting == 0 and stats.active == 0 then
  return 0
end
if stats.waiting + stats.active > tonumber(ARGV[2]) then
  return redis.error_reply('FULL')
end

-- a count replaced by a boolean in a helper: a truth test is right then
local counts = { active = rcall('SCARD', prefix .. 'workers') }
normalise(counts)
if counts.active then
  rcall('INCR', prefix .. 'busy')
end

-- replaced through the table itself
local flags = {}
flags.exists = rcall('EXISTS', job_key)
flags.exists = flags.exists == 1
if flags.exists then
  rcall('HINCRBY', job_key, 'seen', 1)
end

-- replaced at a key the analysis cannot tell
local marks = { done = rcall('SISMEMBER', prefix .. 'done', ARGV[1]) }
marks[ARGV[1]] = true
if marks.done then
  return 1
end

-- a status read by its text
local saved = {}
saved.reply = rcall('SET', job_key .. ':lock', ARGV[1])
if saved.reply.ok == 'OK' then
  rcall('PEXPIRE', job_key .. ':lock', 30000)
end

-- set on one path only
local retry = {}
if stats.waiting > 10 then
  retry.count = rcall('INCR', job_key .. ':retries')
else
  retry.count = false
end
if retry.count then
  return 2
end
return stats.waiting
