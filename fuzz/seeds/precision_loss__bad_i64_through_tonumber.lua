--! keys: k
--! args: amount:i64
local amount = tonumber(ARGV[1])
if amount > 0 then
  return redis.call('INCRBY', KEYS[1], amount * 2)
end
return amount
