--! keys: job, config
--! returns: String
local job = redis.call('HGETALL', KEYS[1])
if job.state == 'done' then
  return job.result
end
local members = redis.call('SMEMBERS', KEYS[2])
return members['first']
