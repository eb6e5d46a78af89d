--! keys: account
--! args: amount
if not tonumber(ARGV[1]) then
  redis.error_reply('ERR amount must be a number')
end
if tonumber(ARGV[1]) < 0 then
  redis.status_reply('NEGATIVE')
end
return redis.call('INCRBY', KEYS[1], ARGV[1])
