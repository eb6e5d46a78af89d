-- Shared by the queue scripts: who holds a job.
local function ownerOf(jobKey)
  local owner = redis.call('HGET', jobKey, 'owner')
  if owner ~= nil then
    return owner
  end
  return ''
end
