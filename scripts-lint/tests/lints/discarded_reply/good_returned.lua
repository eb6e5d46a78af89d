--! keys: account
--! args: amount
local function fail(message)
  return redis.error_reply('ERR ' .. message)
end
if not tonumber(ARGV[1]) then
  return fail('amount must be a number')
end
if tonumber(ARGV[1]) < 0 then
  return redis.status_reply('NEGATIVE')
end
return redis.call('INCRBY', KEYS[1], ARGV[1])
