--[[
  Takes the lock of a job for a worker.
]]
local function lockJob(jobKey, token, duration)
  local lockKey = jobKey .. ":lock"
  return rcall("SET", lockKey, token, "PX", duration)
end
