--! keys: queue, dead
--! args: now:f64, limit:i32
-- Moves expired jobs to the dead-letter list. Each job is decoded under `pcall`, and
-- the loop was meant to stop at the first job that is not expired yet: but the
-- `break` sits in the function given to `pcall`, which has no loop of its own.
local rcall = redis.call
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2]) or 100
if not now then
  return redis.error_reply('ERR now must be a number')
end

local function decode(raw)
  local ok, job = pcall(cjson.decode, raw)
  if not ok or type(job) ~= 'table' then
    return nil
  end
  return job
end

local function expired(job)
  return job.deadline ~= nil and tonumber(job.deadline) < now
end

local moved = 0
local ids = rcall('LRANGE', KEYS[1], 0, limit - 1)
for _, raw in ipairs(ids) do
  local job = decode(raw)
  if job == nil then
    rcall('LREM', KEYS[1], 1, raw)
  else
    pcall(function()
      if not expired(job) then
        break
      end
      rcall('LREM', KEYS[1], 1, raw)
      rcall('RPUSH', KEYS[2], raw)
      moved = moved + 1
    end)
  end
end

if moved > 0 then
  rcall('PUBLISH', 'dead-letters', tostring(moved))
end
return moved
