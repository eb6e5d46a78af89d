--! keys: queue(prefix)
--! args: id
-- Counts and statuses kept in the fields of a local table are still counts and
-- statuses: a count is always true, never equal to a string, and `#` raises on it;
-- a status is a table.
local rcall = redis.call
local job_key = KEYS[1] .. ARGV[1]

-- cell: a count in a field, tested for truth
local seen = {}
seen.member = rcall('SISMEMBER', KEYS[1] .. 'done', ARGV[1])
if seen.member then
  return 0
end

-- cell: a count at a position, tested for truth
local found = { rcall('EXISTS', job_key) }
if found[1] then
  return 1
end

-- cell: a count in a constructor field, compared with a string
local stats = { attempts = rcall('HINCRBY', job_key, 'attempts', 1) }
if stats.attempts == '3' then
  return 3
end

-- cell: `#` of a count in a field
local size = { pending = rcall('LLEN', KEYS[1] .. 'wait') }
if #size.pending > 0 then
  return 4
end

-- cell: a status in a field, concatenated
local result = {}
result.saved = rcall('SET', job_key .. ':lock', ARGV[1])
return 'saved: ' .. result.saved
