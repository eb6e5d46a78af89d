--! keys: k
--! args: amount:i64, small:i32
local amount = tonumber(ARGV[1])
if amount <= 0 then return redis.error_reply('amount must be positive') end
redis.call('INCRBY', KEYS[1], ARGV[1])
return tonumber(ARGV[2]) + 9007199254740992
