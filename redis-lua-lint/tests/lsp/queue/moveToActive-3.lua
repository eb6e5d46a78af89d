--[[
  Moves the next job of a queue to active (the shape of BullMQ's moveToActive).
    KEYS[1] wait list
    KEYS[2] active list
    KEYS[3] prefix of the job keys, with its hash tag
    ARGV[1] token
    ARGV[2] lock duration (ms)
]]
--! keys: wait, active, prefix(prefix)  args: token, duration:integer
local rcall = redis.call
local waitKey = KEYS[1]
local activeKey = KEYS[2]
local prefix = KEYS[3]

--- @include "includes/lockJob"

local function markActive(jobId, timestamp)
  local jobKey = prefix .. jobId
  rcall("HSET", jobKey, "processedOn", timestamp)
  rcall("ZADD", prefix .. "active:ts", timestamp, jobId)
  return jobKey
end

local jobId = rcall("RPOPLPUSH", waitKey, activeKey)
if not jobId then
  return {}
end
local now = rcall("TIME")
local timestamp = now[1] * 1000
local jobKey = markActive(jobId, timestamp)
lockJob(jobKey, ARGV[1], ARGV[2] * 1)
return {jobId, rcall("HGETALL", jobKey)}
